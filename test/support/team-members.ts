import { afterEach, expect, vi } from 'vitest';
import {
  createRedisTeam,
  createTokenService,
  type RedisTeamOptions,
  type TokenService,
} from '../../main/core/index.ts';
import { createAesGcmCipher } from './aes-gcm-cipher.ts';
import { recordingLogger } from './engine-fixture.ts';
import { createTempStore } from './temp-store.ts';

/**
 * Engines that are members of one team on a real Redis (any kind: one server, Sentinel, Cluster),
 * each with its own store and recorded logs; closed after each test.
 */
export function useTeamMembers(base: { prefix: string; teamKey: string }) {
  const engines: { service: TokenService; cleanup(): void; logs: string[] }[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) {
      await engine.service.close();
      engine.cleanup();
    }
  });
  return {
    engines,
    /** A member (or, with `connected: false`, one not waited for) at `url`. */
    async member(
      url: string,
      name: string,
      options: Partial<RedisTeamOptions> & { connected?: boolean } = {},
    ): Promise<{ service: TokenService; logs: string[] }> {
      const { connected = true, ...team } = options;
      const temp = createTempStore();
      const logs: string[] = [];
      const service = createTokenService({
        store: temp.store,
        cipher: createAesGcmCipher(),
        logger: recordingLogger(logs),
        http: { timeoutMs: 10_000 },
        team: await createRedisTeam({
          url,
          prefix: base.prefix,
          teamKey: base.teamKey,
          member: name,
          role: 'member',
          soloWhenUnreachable: false,
          lockMs: 5_000,
          logger: recordingLogger(logs),
          ...team,
        }),
      });
      engines.push({ service, cleanup: temp.cleanup, logs });
      if (connected) {
        await vi.waitFor(() => expect(service.teamStatus()?.connection).toBe('connected'), { timeout: 20_000 });
      }
      return { service, logs };
    },
  };
}
