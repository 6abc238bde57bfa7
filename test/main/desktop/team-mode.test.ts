import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../main/contract/settings.ts';
import { createRedisTeam, createTokenService, parseTeamKey } from '../../../main/core/index.ts';
import { trayTooltip } from '../../../main/tray/tray-status.ts';
import { createAesGcmCipher } from '../../support/aes-gcm-cipher.ts';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { startRedis, type TestRedis } from '../../support/redis-server.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';
import { createTempStore } from '../../support/temp-store.ts';

/** Settings → Team on the desktop, against a real redis-server. */
let redis: TestRedis;
let t: DesktopFixture;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
  { service: { now: Date.now } },
);
afterEach(async () => {
  await redis.start();
});

const team = (patch: Partial<typeof DEFAULT_SETTINGS.team> = {}) => ({
  ...DEFAULT_SETTINGS.team,
  enabled: true,
  url: redis.url,
  prefix: 'desk-test',
  ...patch,
});

describe('team mode on the desktop', () => {
  it('refuses to turn on without a team key, with a bad key, or with an address that is not Redis', async () => {
    const h = t.desktop.handlers;
    expect(await h['team:info']()).toMatchObject({
      enabled: false,
      connection: null,
      hasKey: false,
      member: 'tester@fixture',
    });
    await expect(h['settings:set']({ team: team() })).rejects.toMatchObject({ code: 'team_key_missing' });
    expect(t.settings.get().team.enabled).toBe(false);
    await expect(h['team:set-secrets']({ teamKey: 'not-a-key' })).rejects.toMatchObject({ code: 'team_key_invalid' });
    await h['team:new-key']();
    await expect(h['settings:set']({ team: team({ url: 'https://redis.example' }) })).rejects.toMatchObject({
      code: 'team_url_invalid',
    });
    expect(t.settings.get().team.enabled).toBe(false);
  });

  it('keeps the team key and password sealed, shows the key only when asked, and never logs them', async () => {
    const h = t.desktop.handlers;
    const { teamKey } = await h['team:new-key']();
    expect(parseTeamKey(teamKey)).toHaveLength(32);
    await h['team:set-secrets']({ password: 'redis-password-123' });
    const stored = readFileSync(t.fx.temp.filePath, 'utf8');
    expect(stored).not.toContain(teamKey);
    expect(stored).not.toContain('redis-password-123');
    expect(await h['team:info']()).toMatchObject({ hasKey: true, hasPassword: true });
    expect(await h['team:reveal-key']()).toEqual({ teamKey });
    await h['settings:set']({ team: team() });
    const everything = `${t.logs.join('\n')}${JSON.stringify(t.sent)}`;
    expect(everything).not.toContain(teamKey);
    expect(everything).not.toContain('redis-password-123');
  });

  it('shares a profile with another member of the team, names who refreshed it, and says when Redis is gone', async () => {
    const h = t.desktop.handlers;
    const { teamKey } = await h['team:new-key']();
    await h['settings:set']({ team: team({ member: 'alice@laptop' }) });
    await vi.waitFor(async () => expect((await h['team:info']()).connection).toBe('connected'));
    const view = await h['profiles:add']({ ...t.fx.baiduInput(), shared: true });
    await t.fx.service.getToken(view.id);
    expect(t.fx.service.getProfile(view.id)).toMatchObject({ shared: true, team: { refreshedBy: 'alice@laptop' } });

    // Bob's engine, elsewhere, with the same team key: takes Alice's token, asks nobody.
    const temp = createTempStore();
    const bob = createTokenService({
      store: temp.store,
      cipher: createAesGcmCipher(),
      team: await createRedisTeam({
        url: redis.url,
        prefix: 'desk-test',
        teamKey,
        member: 'bob',
        role: 'reader',
        soloWhenUnreachable: false,
        logger: { info() {}, warn() {}, error() {} },
      }),
    });
    try {
      const b = await bob.addProfile({ ...t.fx.baiduInput(), shared: true });
      expect(await bob.getToken(b.id)).toBe(await t.fx.service.getToken(view.id));
      expect(t.fx.server.requests).toHaveLength(1);
    } finally {
      await bob.close();
      temp.cleanup();
    }

    await redis.stop('SIGKILL');
    await vi.waitFor(() => expect(t.fx.service.teamStatus()?.connection).toBe('unreachable'));
    const tooltip = trayTooltip(
      t.fx.service.listProfiles(),
      Date.now(),
      (await import('../../../main/contract/i18n.ts')).createTranslator('en'),
      t.fx.service.teamStatus(),
    );
    expect(tooltip).toMatch(/ · team offline$/);
    await vi.waitFor(() =>
      expect(
        t.sent
          .filter(([channel]) => channel === 'team:changed')
          .map(([, info]) => (info as { connection: string }).connection),
      ).toContain('unreachable'),
    );
    // Turning team mode off leaves the profile with the token it holds.
    await h['settings:set']({ team: { ...t.settings.get().team, enabled: false } });
    expect(t.fx.service.teamStatus()).toBeUndefined();
    expect(await t.fx.service.getToken(view.id)).toBe(t.fx.server.issued[0]);
  });
});
