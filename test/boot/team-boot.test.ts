import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamInfo } from '../../main/contract/ipc.ts';
import { DEFAULT_SETTINGS } from '../../main/contract/settings.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { ROOT } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { answerOf, type BootedApp, bootApp, createBootBed } from '../support/headless/boot-harness.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

/**
 * Team mode in the built app (dist/main under the stand-in electron) against a real redis-server:
 * two installations, one team key, one token request; the tray tooltip when Redis goes away; the
 * built CLI reporting a rejected token.
 */

let bed: Awaited<ReturnType<typeof createBootBed>>;
let redis: TestRedis;
let alice: BootedApp;
let bob: BootedApp;

beforeAll(async () => {
  bed = await createBootBed('tokentray-team-boot-');
  redis = await startRedis();
});
afterAll(async () => {
  bob?.kill();
  await bed?.dispose(alice);
  await redis?.stop();
});

async function boot(name: string) {
  const app = await bootApp({
    userData: join(bed.dir, name),
    logs: join(bed.dir, `${name}-logs`),
    xdgConfig: join(bed.dir, 'xdg'),
  });
  await app.until((s) => expect(s.windows[0]?.exposed).toEqual(['tokentray']));
  return app;
}

const teamSettings = (member: string, role: 'member' | 'reader') => ({
  team: { ...DEFAULT_SETTINGS.team, enabled: true, url: redis.url, prefix: 'boot-team', member, role },
});

async function connected(app: BootedApp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const info = await answerOf<TeamInfo>(app.api('teamInfo'));
    if (info.connection === 'connected') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the team never connected');
}

const profile = { name: 'ERNIE team', provider: 'baidu', apiKey: API_KEY, secretKey: SECRET_KEY, shared: true };

describe('team mode in the built app', () => {
  it('shares one token between two installations that hold the same team key', async () => {
    alice = await boot('alice');
    bob = await boot('bob');
    const { teamKey } = await answerOf<{ teamKey: string }>(alice.api('newTeamKey'));
    await answerOf(alice.api('setSettings', teamSettings('alice@laptop', 'member')));
    await answerOf(bob.api('setTeamSecrets', { teamKey }));
    await answerOf(bob.api('setSettings', teamSettings('bob@desktop', 'reader')));
    await Promise.all([connected(alice), connected(bob)]);

    await answerOf(alice.api('addProfile', { ...profile, tokenUrl: bed.server.baiduUrl }));
    await alice.until((s) => expect(s.tray?.menu[0]?.label).toMatch(/^ERNIE team: Valid/));
    await answerOf(bob.api('addProfile', { ...profile, tokenUrl: bed.server.baiduUrl }));
    await bob.until((s) => expect(s.tray?.menu[0]?.label).toMatch(/^ERNIE team: Valid/));
    expect(bed.server.requests).toHaveLength(1);
    const [seen] = await answerOf<ProfileView[]>(bob.api('listProfiles'));
    expect(seen).toMatchObject({ shared: true, team: { refreshedBy: 'alice@laptop', generation: 1 } });
    await bob.tray('Copy token');
    await bob.until((s) => expect(s.clipboard.text).toBe(bed.server.issued[0]));
  });

  it('refreshes a token the built CLI reports rejected once, and the other installation takes it', async () => {
    const rejected = bed.server.issued[0] ?? '';
    const report = (app: string) =>
      new Promise<number>((resolve) =>
        execFile(
          process.execPath,
          [join(ROOT, 'dist/cli/tokentray.mjs'), 'refresh', 'ernie', '--rejected'],
          {
            env: {
              PATH: process.env.PATH ?? '',
              TOKENTRAY_DATA_DIR: join(bed.dir, app),
              TOKENTRAY_ACCESS_TOKEN: rejected,
            },
          },
          (error) => resolve(error ? Number(error.code ?? 1) : 0),
        ),
      );
    expect(await report('alice')).toBe(0);
    expect(bed.server.requests).toHaveLength(2);
    // Bob reports the same old token: it is no longer current, so nothing is fetched.
    expect(await report('bob')).toBe(0);
    expect(bed.server.requests).toHaveLength(2);
    await bob.tray('Copy token');
    await bob.until((s) => expect(s.clipboard.text).toBe(bed.server.issued[1]));
  });

  it('says in the tray tooltip when Redis cannot be reached, and keeps serving the token', async () => {
    await redis.stop('SIGKILL');
    await bob.until((s) => expect(s.tray?.tooltip).toMatch(/ · team offline$/), 10_000);
    await bob.tray('Copy token');
    await bob.until((s) => expect(s.clipboard.text).toBe(bed.server.issued[1]));
    await redis.start();
    await bob.until((s) => expect(s.tray?.tooltip).not.toMatch(/team offline/), 10_000);
    for (const app of [alice, bob]) {
      await app.tray('Quit TokenTray');
      expect(await app.exit()).toMatchObject({ code: 0 });
    }
  });
});
