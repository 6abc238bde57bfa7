import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newTeamKey } from '../../main/core/index.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { makePrivateCa } from '../support/private-ca.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import { useTeamMembers } from '../support/team-members.ts';

/**
 * Team mode on a managed-style Redis: TLS only (`rediss://`, a private CA trusted like the company
 * CA file) and an ACL user limited to the team's prefix and the commands team mode sends — the
 * minimal ACL docs/server.md gives. Real redis-server, started and stopped here.
 */
const PREFIX = 'tt-acl';
const PASSWORD = 'acl-user-password-7';
/** The minimal ACL for a team member (docs/server.md, "A Redis user for the team"). */
const MEMBER_ACL = `tokentray on >${PASSWORD} resetkeys ~${PREFIX}:* resetchannels &${PREFIX}:updates -@all +get +set +del +hget +hset +hgetall +pttl +pexpire +pexpireat +publish +subscribe +unsubscribe +eval +ping`;
const ca = makePrivateCa();
const TEAM_KEY = newTeamKey();
let redis: TestRedis;
let tokens: FakeTokenServer;
const { member: join } = useTeamMembers({ prefix: PREFIX, teamKey: TEAM_KEY });

beforeAll(async () => {
  redis = await startRedis({
    tls: ca,
    users: [MEMBER_ACL, `other on >${PASSWORD} ~somebody-else:* &somebody-else:updates +@all`],
  });
  tokens = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
});
afterAll(async () => {
  await redis?.stop();
  await tokens?.close();
});
/** A member as `user` (the minimal-ACL one by default), trusting the CA unless told not to; not waited for. */
async function engine(member: string, options: { user?: string; trust?: boolean } = {}) {
  const url = new URL(redis.url);
  url.username = options.user ?? 'tokentray';
  url.password = PASSWORD;
  return join(url.href, member, {
    connected: false,
    ...(options.trust === false ? {} : { extraCertificates: () => [ca.caPem] }),
  });
}

const input = { name: 'ERNIE', provider: 'baidu' as const, apiKey: API_KEY, secretKey: SECRET_KEY, shared: true };

describe('team mode over TLS with an ACL user', () => {
  it('shares one fetch between members through rediss:// with only the minimal ACL', async () => {
    const a = await engine('a');
    const b = await engine('b');
    await vi.waitFor(() => expect(a.service.teamStatus()?.connection).toBe('connected'), { timeout: 10_000 });
    await vi.waitFor(() => expect(b.service.teamStatus()?.connection).toBe('connected'), { timeout: 10_000 });
    const before = tokens.requests.length;
    const one = await a.service.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
    const two = await b.service.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
    const [ta, tb] = [await a.service.getToken(one.id), await b.service.getToken(two.id)];
    expect(ta).toBe(tb);
    expect(tokens.requests.length - before).toBe(1);
    expect(b.service.getProfile(two.id)?.team?.refreshedBy).toBe('a');
    // A forced refresh by the other member (the lock, the compare-and-set, the announcement).
    await b.service.refresh(two.id, { force: true });
    await vi.waitFor(async () => expect(await a.service.getToken(one.id)).toBe(tokens.issued.at(-1)));
    // Every key it wrote is under the prefix the ACL allows; no command was refused.
    expect(redis.keys().every((key) => key.startsWith(`${PREFIX}:`))).toBe(true);
    expect(redis.cli('acl', 'log').trim()).toBe('');
    for (const line of [...a.logs, ...b.logs]) expect(line).not.toContain(PASSWORD);
  });

  it('is not connected by a user whose keys are elsewhere, nor without trusting the CA', async () => {
    const stranger = await engine('stranger', { user: 'other' });
    const untrusting = await engine('untrusting', { trust: false });
    await vi.waitFor(() => expect(stranger.service.teamStatus()?.connection).not.toBe('connecting'), {
      timeout: 10_000,
    });
    await vi.waitFor(() => expect(untrusting.service.teamStatus()?.connection).toBe('unreachable'), {
      timeout: 10_000,
    });
    // The stranger may not read the key check under this prefix: never "connected", nothing written.
    expect(stranger.service.teamStatus()?.connection).toBe('unreachable');
    expect(stranger.logs.filter((line) => line.includes('refuses this user'))).toHaveLength(1);
    const view = await stranger.service.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
    expect((await stranger.service.refresh(view.id)).error?.code).toBe('team_unavailable');
  });
});
