import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createRedisTeam,
  createTokenService,
  newTeamKey,
  type ProfileView,
  type TeamRole,
  type TokenService,
} from '../../main/core/index.ts';
import { createAesGcmCipher } from '../support/aes-gcm-cipher.ts';
import { API_KEY, recordingLogger, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import { createTempStore } from '../support/temp-store.ts';

/**
 * Team mode against a real redis-server: several engines in this process, one fake token server,
 * one clock. (test/core/team-processes.test.ts runs ten engines in ten processes.)
 */

const DAY = 24 * 3_600_000;
const TEAM_KEY = newTeamKey();
let redis: TestRedis;
let server: FakeTokenServer;
// Redis expires keys on its own clock: the engines' clock starts at the real time.
const clock = { now: Date.now() };
const engines: { service: TokenService; cleanup(): void; logs: string[] }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  clock.now = Date.now();
  server = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY }, now: () => clock.now });
});
afterEach(async () => {
  for (const engine of engines.splice(0)) {
    await engine.service.close();
    engine.cleanup();
  }
  await server.close();
  await redis.start().catch(() => undefined);
  await flushRedis();
});

async function flushRedis() {
  const { execFileSync } = await import('node:child_process');
  execFileSync('redis-cli', ['-p', String(redis.port), 'flushall']);
}

async function engine(
  member: string,
  options: {
    role?: TeamRole;
    solo?: boolean;
    lockMs?: number;
    teamKey?: string;
    prefix?: string;
    maxConcurrentRequests?: number;
  } = {},
) {
  const temp = createTempStore();
  const logs: string[] = [];
  const team = await createRedisTeam({
    url: redis.url,
    prefix: options.prefix ?? 'tt-test',
    teamKey: options.teamKey ?? TEAM_KEY,
    member,
    role: options.role ?? 'member',
    soloWhenUnreachable: options.solo ?? false,
    lockMs: options.lockMs ?? 5_000,
    now: () => clock.now,
    logger: recordingLogger(logs),
  });
  const service = createTokenService({
    store: temp.store,
    cipher: createAesGcmCipher(),
    now: () => clock.now,
    logger: recordingLogger(logs),
    http: { timeoutMs: 3_000 },
    random: () => 0.5,
    team,
    ...(options.maxConcurrentRequests ? { maxConcurrentRequests: options.maxConcurrentRequests } : {}),
  });
  engines.push({ service, cleanup: temp.cleanup, logs });
  await vi.waitFor(() => expect(service.teamStatus()?.connection).toBe('connected'));
  return service;
}

const input = (extra: Record<string, unknown> = {}) => ({
  name: 'ERNIE shared',
  provider: 'baidu' as const,
  apiKey: API_KEY,
  secretKey: SECRET_KEY,
  tokenUrl: server.baiduUrl,
  shared: true,
  ...extra,
});

async function addAndWait(service: TokenService, extra: Record<string, unknown> = {}): Promise<ProfileView> {
  const view = await service.addProfile(input(extra));
  await service.getToken(view.id);
  return service.getProfile(view.id) as ProfileView;
}

describe('team mode on Redis', () => {
  it('fetches a shared token once for the whole team; the others take it, and say who fetched it', async () => {
    const alice = await engine('alice@laptop');
    const bob = await engine('bob@desktop');
    const a = await addAndWait(alice);
    const b = await addAndWait(bob);
    expect(server.requests).toHaveLength(1);
    expect(await bob.getToken(b.id)).toBe(await alice.getToken(a.id));
    expect(bob.getProfile(b.id)).toMatchObject({ shared: true, team: { refreshedBy: 'alice@laptop', generation: 1 } });

    // Both due at once: one request between them.
    clock.now += 28 * DAY;
    await Promise.all([alice.checkDue(), bob.checkDue()]);
    expect(server.requests).toHaveLength(2);
    const fresh = server.issued[1];
    expect(await alice.getToken(a.id)).toBe(fresh);
    expect(await bob.getToken(b.id)).toBe(fresh);
    expect(alice.getProfile(a.id)?.team?.generation).toBe(2);
    // Connecting said "connected" and nothing false before it (one connection is ready first).
    for (const { logs } of engines) {
      expect(logs.filter((line) => line.includes('team store'))).toEqual([
        expect.stringContaining('team store connected'),
      ]);
    }
  });

  it('tells a reader at once when a member refreshes; the reader never asks the provider', async () => {
    const member = await engine('server');
    const reader = await engine('laptop', { role: 'reader' });
    const m = await addAndWait(member);
    const r = await addAndWait(reader);
    expect(server.requests).toHaveLength(1);
    const seen: string[] = [];
    reader.onChange(() => seen.push('change'));
    await member.refresh(m.id, { rejectedToken: server.issued[0] });
    expect(server.requests).toHaveLength(2);
    const started = Date.now();
    await vi.waitFor(async () => expect(await reader.getToken(r.id)).toBe(server.issued[1]), { timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    // A reader whose token is due waits for the team instead of fetching.
    clock.now += 28 * DAY;
    await reader.checkDue();
    expect(server.requests).toHaveLength(2);
    expect(reader.getProfile(r.id)?.error).toBeUndefined();
  });

  it('refreshes a rejected token only while it is still the current one', async () => {
    const alice = await engine('alice');
    const bob = await engine('bob');
    const a = await addAndWait(alice);
    const b = await addAndWait(bob);
    const first = server.issued[0] ?? '';
    await alice.refresh(a.id, { rejectedToken: first });
    expect(server.requests).toHaveLength(2);
    // Bob reports the same token a moment later: Alice already replaced it.
    await bob.refresh(b.id, { rejectedToken: first });
    expect(server.requests).toHaveLength(2);
    expect(await bob.getToken(b.id)).toBe(server.issued[1]);
  });

  it('keeps the lock of a member whose request outlasts it: the others wait, one fetch in all', async () => {
    const slow = await engine('slow', { lockMs: 400 });
    const quick = await engine('quick', { lockMs: 400 });
    const s = await addAndWait(slow);
    const q = await addAndWait(quick);
    clock.now += 28 * DAY;
    // Three lock lifetimes of answer: the lease is renewed while the request runs.
    server.queue({ type: 'delay', ms: 1_200 });
    const slowRun = slow.checkDue();
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await quick.checkDue();
    await slowRun;
    expect(server.requests).toHaveLength(2);
    expect(await quick.getToken(q.id)).toBe(server.issued[1]);
    expect(await slow.getToken(s.id)).toBe(server.issued[1]);
    expect(quick.getProfile(q.id)?.team).toEqual({ refreshedBy: 'slow', generation: 2 });
  });

  it('keeps a slow old answer from overwriting a newer token, and serves the newer one as soon as it is announced', async () => {
    const slow = await engine('slow');
    const quick = await engine('quick');
    const s = await addAndWait(slow);
    const q = await addAndWait(quick);
    clock.now += 28 * DAY;
    // Slow enough that the steps below finish while it is out, even on a starved CPU.
    server.queue({ type: 'delay', ms: 6_000 });
    const slowRun = slow.checkDue();
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));
    // The lock is lost while the request is out (a Redis failover, an operator): another member fetches.
    redis.cli('del', `${redis.keys().find((k) => k.endsWith(':lock'))}`);
    await quick.checkDue();
    const quickToken = await quick.getToken(q.id);
    // Answers are numbered as they are issued: the quick one now, the slow one later.
    expect(quickToken).toBe(server.issued[1]);
    // The slow member's own request is still out, yet it serves the announced generation already.
    await vi.waitFor(async () => expect(await slow.getToken(s.id)).toBe(quickToken), { timeout: 4_000 });
    expect(slow.getProfile(s.id)?.refreshing).toBe(true);
    await slowRun;
    expect(server.requests).toHaveLength(3);
    // The slow answer (issued last) was dropped; everyone holds the newer generation's token.
    expect(await slow.getToken(s.id)).toBe(quickToken);
    expect(slow.getProfile(s.id)?.team).toEqual({ refreshedBy: 'quick', generation: 2 });
  });

  it('keeps nothing readable in Redis: no token, key, secret or app id without the team key', async () => {
    const alice = await engine('alice');
    await addAndWait(alice);
    await addAndWait(alice, { name: 'second', apiKey: API_KEY });
    const dump = redis.dump();
    expect(redis.keys().length).toBeGreaterThan(0);
    for (const secret of [API_KEY, SECRET_KEY, ...server.issued]) expect(dump).not.toContain(secret);
    expect(redis.keys().every((key) => key.startsWith('tt-test:baidu:') || key === 'tt-test:keycheck')).toBe(true);
  });

  it('says that a member holds another team key, and lets it write nothing and fetch nothing', async () => {
    const alice = await engine('alice');
    await addAndWait(alice);
    const before = redis.dump();
    const stranger = await engine('stranger', { teamKey: newTeamKey() });
    await vi.waitFor(() => expect(stranger.teamStatus()).toMatchObject({ connection: 'connected', keyMismatch: true }));
    const view = await stranger.addProfile(input());
    await stranger.refresh(view.id);
    expect(server.requests).toHaveLength(1);
    expect(stranger.getProfile(view.id)?.error).toMatchObject({
      code: 'team_unavailable',
      messageKey: 'team_key_mismatch',
    });
    expect(redis.dump()).toBe(before);
    expect(alice.teamStatus()?.keyMismatch).toBe(false);
    const logs = engines.at(-1)?.logs.join('\n') ?? '';
    expect(logs.match(/team key mismatch/g)).toHaveLength(1);
  });

  it('trusts no field beside the sealed token: a changed expiry or a restored old generation is refused', async () => {
    const alice = await engine('alice');
    const bob = await engine('bob', { role: 'reader' });
    const a = await addAndWait(alice);
    const b = await addAndWait(bob);
    const slot = redis.keys().find((k) => /^tt-test:baidu:[^:]+$/.test(k)) ?? '';
    const old = { ct: redis.cli('hget', slot, 'ct').trim(), generation: redis.cli('hget', slot, 'generation').trim() };
    await alice.refresh(a.id, { rejectedToken: server.issued[0] ?? '' });
    await vi.waitFor(async () => expect(await bob.getToken(b.id)).toBe(server.issued[1]));
    expect(bob.getProfile(b.id)?.team?.generation).toBe(2);

    // A writer to the Redis makes the current token look valid for a year: members read the expiry
    // sealed with the token, not the field beside it.
    redis.cli('hset', slot, 'expiresAt', String(clock.now + 365 * DAY));
    redis.cli('publish', 'tt-test:updates', slot);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bob.getProfile(b.id)?.expiresAt).toBeLessThan(clock.now + 31 * DAY);
    // ...and makes it a newer generation: it no longer opens, which is said, and Bob keeps his.
    redis.cli('hset', slot, 'generation', '99');
    redis.cli('publish', 'tt-test:updates', slot);
    await vi.waitFor(() => expect(bob.teamStatus()?.unreadableSlots).toBe(1));
    expect(await bob.getToken(b.id)).toBe(server.issued[1]);

    // The previous generation's sealed token put back: it opens, but is older than what Bob held.
    redis.cli('hset', slot, 'ct', old.ct, 'generation', old.generation, 'expiresAt', String(clock.now + 365 * DAY));
    redis.cli('publish', 'tt-test:updates', slot);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await bob.getToken(b.id)).toBe(server.issued[1]);
    expect(bob.getProfile(b.id)?.team?.generation).toBe(2);
    // A member that meets the rollback fetches anew above the generation it held.
    clock.now += 28 * DAY;
    await alice.checkDue();
    expect(alice.getProfile(a.id)?.team?.generation).toBe(3);
    const logs = engines[1]?.logs.join('\n') ?? '';
    expect(logs.match(/does not open/g)).toHaveLength(1);
  });

  it('waits out a lock that never expires without a busy loop, and gives it up after its lifetime', async () => {
    const alice = await engine('alice', { lockMs: 1_000 });
    const a = await addAndWait(alice);
    const slot = redis.keys().find((k) => /^tt-test:baidu:[^:]+$/.test(k)) ?? '';
    redis.cli('set', `${slot}:lock`, 'someone-who-died');
    const before = redis.commandsProcessed();
    const started = performance.now();
    await alice.refresh(a.id, { rejectedToken: server.issued[0] ?? '' });
    const seconds = (performance.now() - started) / 1000;
    const commands = redis.commandsProcessed() - before;
    // The lock got the lock lifetime, lapsed, and the refresh went through: a handful of commands.
    expect(server.requests).toHaveLength(2);
    expect(alice.getProfile(a.id)?.team?.generation).toBe(2);
    expect(commands).toBeLessThan(60);
    expect(seconds).toBeGreaterThan(0.5);
  });

  it('lets a dead holder of one credential’s lock delay no other credential (waiting holds no request slot)', async () => {
    await server.close();
    const keys = Array.from({ length: 6 }, (_, i) => [`stall-key-${i}`, `stall-secret-${i}`] as const);
    server = await startFakeTokenServer({ clients: Object.fromEntries(keys), now: () => clock.now });
    // One request at a time to the token host: a waiter that held the slot would stall them all.
    const alice = await engine('alice', { maxConcurrentRequests: 1 });
    const ids: string[] = [];
    for (const [apiKey, secretKey] of keys) ids.push((await addAndWait(alice, { name: apiKey, apiKey, secretKey })).id);
    const slots = redis.keys().filter((k) => /^tt-test:baidu:[^:]+$/.test(k));
    expect(slots).toHaveLength(keys.length);
    const stalled = slots.find((slot) => redis.dump().includes(slot)) ?? '';
    redis.cli('set', `${stalled}:lock`, 'a-member-that-died', 'px', '4000');
    clock.now += 28 * DAY;
    const before = server.requests.length;
    const run = alice.checkDue();
    // Every other credential is renewed while the dead holder's lock is still there.
    await vi.waitFor(() => expect(server.requests.length - before).toBe(keys.length - 1), { timeout: 3_000 });
    expect(redis.cli('exists', `${stalled}:lock`).trim()).toBe('1');
    await run;
    expect(server.requests.length - before).toBe(keys.length);
    for (const id of ids) expect(alice.getProfile(id)?.status).toBe('valid');
  });

  it('serves the kept token while Redis is down, refreshes alone only when allowed, and resumes', async () => {
    const reader = await engine('reader', { role: 'reader' });
    const strict = await engine('strict');
    const solo = await engine('solo', { solo: true });
    const member = await engine('member');
    const m = await addAndWait(member);
    const r = await addAndWait(reader);
    const t = await addAndWait(strict);
    const s = await addAndWait(solo);
    expect(server.requests).toHaveLength(1);
    await redis.stop('SIGKILL');
    await vi.waitFor(() => expect(reader.teamStatus()?.connection).toBe('unreachable'));
    expect(await reader.getToken(r.id)).toBe(server.issued[0]);

    clock.now += 28 * DAY;
    await strict.checkDue();
    expect(strict.getProfile(t.id)?.error?.code).toBe('team_unavailable');
    expect(await strict.getToken(t.id)).toBe(server.issued[0]);
    await solo.checkDue();
    expect(server.requests).toHaveLength(2);
    expect(await solo.getToken(s.id)).toBe(server.issued[1]);

    const down = Date.now();
    await redis.start();
    await vi.waitFor(() => expect(member.teamStatus()?.connection).toBe('connected'), { timeout: 5_000 });
    await member.refresh(m.id, { force: true });
    await vi.waitFor(async () => expect(await reader.getToken(r.id)).toBe(server.issued.at(-1)), { timeout: 5_000 });
    expect(Date.now() - down).toBeLessThan(5_000 + 1_000);
  });

  it('refuses to share a WeChat profile on the classic endpoint, which revokes everyone else’s token', async () => {
    const alice = await engine('alice');
    await expect(
      alice.addProfile({
        name: 'wx',
        provider: 'wechat',
        apiKey: 'wx0123456789abcdef',
        secretKey: 'secret0123456789',
        options: { endpoint: 'classic' },
        shared: true,
      }),
    ).rejects.toMatchObject({ field: 'options', messageKey: 'input.team_revokes_others' });
  });
});
