/**
 * One TokenTray engine in its own process, in team mode, driven by test/core/team-processes.test.ts
 * over the fork IPC channel: a conf store of its own, the shared Redis, the shared fake server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { createRedisTeam, createTokenService, openStoreSafely, type TeamRole } from '../../main/core/index.ts';
import { createAesGcmCipher } from './aes-gcm-cipher.ts';

export interface TeamChildConfig {
  redisUrl: string;
  teamKey: string;
  member: string;
  role: TeamRole;
  lockMs: number;
  tokenUrl: string;
  credentials: [string, string][];
  cipherKey: string;
}

const config = JSON.parse(process.env.TEAM_CHILD ?? '{}') as TeamChildConfig;
let offset = 0;
const now = () => Date.now() + offset;
const dir = mkdtempSync(join(tmpdir(), 'tokentray-team-child-'));
const { store } = openStoreSafely(() => new Conf({ cwd: dir, configName: 'config' }), join(dir, 'config.json'));
const team = await createRedisTeam({
  url: config.redisUrl,
  prefix: 'tt-procs',
  teamKey: config.teamKey,
  member: config.member,
  role: config.role,
  soloWhenUnreachable: false,
  lockMs: config.lockMs,
  now,
  logger: { info() {}, warn() {}, error() {} },
});
const service = createTokenService({
  store,
  cipher: createAesGcmCipher(Buffer.from(config.cipherKey, 'hex')),
  now,
  http: { timeoutMs: 10_000 },
  maxConcurrentRequests: 16,
  team,
});
const ids = new Map<string, string>();

const ops: Record<string, (...args: any[]) => unknown> = {
  async add() {
    await Promise.all(
      config.credentials.map(async ([apiKey, secretKey], i) => {
        const view = await service.addProfile({
          name: `p${i}`,
          provider: 'baidu',
          apiKey,
          secretKey,
          tokenUrl: config.tokenUrl,
          shared: true,
        });
        ids.set(view.name, view.id);
      }),
    );
  },
  async tokens() {
    const entries = await Promise.all([...ids].map(async ([name, id]) => [name, await service.getToken(id)] as const));
    return Object.fromEntries(entries);
  },
  offset(ms: number) {
    offset = ms;
  },
  checkDue: () => service.checkDue(),
  async refresh(name: string, rejectedToken?: string) {
    const view = await service.refresh(ids.get(name) ?? '', rejectedToken ? { rejectedToken } : {});
    return view.error?.code ?? null;
  },
  connection: () => service.teamStatus()?.connection,
};

process.on('message', async (message: { id: number; op: string; args: unknown[] }) => {
  try {
    const value = await ops[message.op]?.(...message.args);
    process.send?.({ id: message.id, ok: true, value });
  } catch (error) {
    process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
process.send?.({ id: 0, ok: true, value: 'ready' });
