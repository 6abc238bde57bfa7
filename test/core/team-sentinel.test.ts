import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isTeamUrl, newTeamKey } from '../../main/core/index.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { startSentinelGroup } from '../support/redis-sentinel.ts';
import { useTeamMembers } from '../support/team-members.ts';

/**
 * Team mode on Redis Sentinel: a master, a replica and three sentinels (real redis-server
 * processes). Members follow a failover — the master killed, the replica promoted — with no
 * restart; a refresh caught in it costs at most one extra fetch, and no member serves an expired token.
 */
const TEAM_KEY = newTeamKey();
let group: Awaited<ReturnType<typeof startSentinelGroup>>;
let tokens: FakeTokenServer;
const { engines, member: join } = useTeamMembers({ prefix: 'tt-sentinel', teamKey: TEAM_KEY });

beforeAll(async () => {
  group = await startSentinelGroup();
  tokens = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
}, 60_000);
afterAll(async () => {
  await group?.stop();
  await tokens?.close();
});
/** A member of the team through the sentinels. */
const member = async (name: string) => (await join(group.url, name)).service;

const input = {
  name: 'ERNIE',
  provider: 'baidu' as const,
  apiKey: API_KEY,
  secretKey: SECRET_KEY,
  shared: true,
};

describe('team mode on Redis Sentinel', () => {
  it('shares through the master, follows a failover without a restart, and fetches at most once more', async () => {
    const a = await member('a');
    const b = await member('b');
    const first = tokens.requests.length;
    const pa = await a.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
    const pb = await b.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
    expect(await b.getToken(pb.id)).toBe(await a.getToken(pa.id));
    expect(tokens.requests.length - first).toBe(1);
    const oldMaster = group.masterPortNow();

    // A refresh (the API refused the current token) is out, the provider answering in 1.5 s, when
    // the master is killed.
    tokens.behave({ type: 'delay', ms: 1_500 });
    const before = tokens.requests.length;
    // (On a starved CPU a command may time out before the request leaves: then it is asked again.)
    let caught: Promise<unknown> = Promise.resolve();
    await vi.waitFor(
      async () => {
        if (tokens.requests.length === before) {
          caught = a.refresh(pa.id, { rejectedToken: (await a.getToken(pa.id)) ?? '' });
          await Promise.race([caught, new Promise((resolve) => setTimeout(resolve, 1_000))]);
        }
        expect(tokens.requests.length).toBe(before + 1);
      },
      { timeout: 30_000, interval: 100 },
    );
    const newMaster = await group.failOver();
    expect(newMaster).not.toBe(oldMaster);
    await caught;
    tokens.behave({ type: 'ok' });

    // Both members find the new master by themselves.
    await vi.waitFor(() => expect(a.teamStatus()?.connection).toBe('connected'), { timeout: 30_000 });
    await vi.waitFor(() => expect(b.teamStatus()?.connection).toBe('connected'), { timeout: 30_000 });
    // Whatever the failover lost, the two agree again on a valid token, with at most one fetch more.
    await b.refresh(pb.id);
    await vi.waitFor(async () => expect(await a.getToken(pa.id)).toBe(await b.getToken(pb.id)), { timeout: 20_000 });
    expect(tokens.requests.length - before).toBeLessThanOrEqual(2);
    for (const [service, id] of [
      [a, pa.id],
      [b, pb.id],
    ] as const) {
      const view = service.getProfile(id);
      expect(view?.status).toBe('valid');
      expect(view?.expiresAt ?? 0).toBeGreaterThan(Date.now());
    }
    // A refresh after the failover goes through the new master's lock and reaches the other member.
    await b.refresh(pb.id, { rejectedToken: (await b.getToken(pb.id)) ?? '' });
    await vi.waitFor(async () => expect(await a.getToken(pa.id)).toBe(tokens.issued.at(-1)), { timeout: 20_000 });
    expect(group.cli(newMaster, 'keys', 'tt-sentinel:*')).toContain('tt-sentinel:keycheck');
    // Each member noticed the master go and said so, then found the new one: no restart.
    for (const { logs } of engines) {
      const told = logs.filter((line) => line.includes('team store'));
      expect(told[0]).toContain('team store connected');
      expect(told).toContain('warn team store unreachable {}');
      expect(told.at(-1)).toContain('team store connected');
    }
  }, 120_000);
});

describe('team addresses', () => {
  it('take one server or a Sentinel-managed master, and nothing else', () => {
    for (const url of [
      'redis://redis.example:6379',
      'rediss://user:pw@redis.example:6380',
      'redis+sentinel://s1:26379,s2:26379,s3:26379/mymaster',
      'redis+sentinel://tokentray:pw@10.0.0.1:26379/tokens',
      'redis+cluster://n1:6379,n2:6379,n3:6379',
      'redis+cluster://tokentray:pw@10.0.0.1:7000/',
    ])
      expect(isTeamUrl(url), url).toBe(true);
    for (const url of [
      'https://redis.example',
      'redis+sentinel://s1:26379',
      'redis+sentinel:///mymaster',
      'sentinel://s1/m',
      'redis+cluster://',
    ])
      expect(isTeamUrl(url), url).toBe(false);
  });
});
