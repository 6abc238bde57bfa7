import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTeamKey } from '../../main/core/index.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import type { TeamChildConfig } from '../support/team-child.ts';

/**
 * Ten engines in ten processes share one real Redis and 200 profiles, as ten team members'
 * machines would: one token request per profile per refresh, word of a new token within a second,
 * a lock holder killed mid-refresh, Redis killed and restarted.
 */

const INSTANCES = 10;
const PROFILES = 200;
const DAY = 24 * 3_600_000;
// Long enough that a process the scheduler starves for a second or two keeps its lease (the
// watchdog renews it every third of it); short enough that a killed holder's lapses soon.
const LOCK_MS = 5_000;
const CHILD = join(import.meta.dirname, '../support/team-child.ts');
const credentials: [string, string][] = Array.from({ length: PROFILES }, (_, i) => [
  `team-key-${String(i).padStart(4, '0')}`,
  `team-secret-${String(i).padStart(4, '0')}`,
]);

let redis: TestRedis;
let server: FakeTokenServer;
const children: ReturnType<typeof child>[] = [];

function child(member: string) {
  const config: TeamChildConfig = {
    redisUrl: redis.url,
    teamKey: TEAM_KEY,
    member,
    role: 'member',
    lockMs: LOCK_MS,
    tokenUrl: server.baiduUrl,
    credentials,
    cipherKey: randomBytes(32).toString('hex'),
  };
  const process_: ChildProcess = fork(CHILD, [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { PATH: process.env.PATH ?? '', TEAM_CHILD: JSON.stringify(config) },
  });
  const pending = new Map<number, { resolve(value: any): void; reject(error: Error): void }>();
  let next = 1;
  process_.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.value);
    else waiter?.reject(new Error(message.error));
  });
  const ready = new Promise((resolve, reject) => pending.set(0, { resolve, reject }));
  return {
    member,
    process: process_,
    ready,
    call<T = unknown>(op: string, ...args: unknown[]): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        process_.send({ id, op, args });
      });
    },
  };
}

const TEAM_KEY = newTeamKey();
/** Token requests per credential at the fake server, since `from`. */
function requestsPerProfile(from = 0): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of server.requests.slice(from)) {
    const id = request.params.client_id ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
const everyone = <T>(op: string, ...args: unknown[]) => Promise.all(children.map((c) => c.call<T>(op, ...args)));

beforeAll(async () => {
  redis = await startRedis();
  server = await startFakeTokenServer({ clients: Object.fromEntries(credentials) });
  for (let i = 0; i < INSTANCES; i++) children.push(child(`member-${i}`));
  await Promise.all(children.map((c) => c.ready));
  await everyone('add');
  // Adding starts each first fetch; asking for the tokens waits for them.
  await everyone('tokens');
}, 60_000);
afterAll(async () => {
  for (const c of children) c.process.kill('SIGKILL');
  await server?.close();
  await redis?.stop();
});

describe(`${INSTANCES} processes sharing ${PROFILES} profiles through Redis`, () => {
  it('fetched each profile’s first token once, and every process holds it', async () => {
    const counts = requestsPerProfile();
    expect(counts.size).toBe(PROFILES);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const tokens = await everyone<Record<string, string>>('tokens');
    for (const each of tokens) expect(each).toEqual(tokens[0]);
  });

  it('refreshes each profile exactly once when all are due at once, and everyone gets it', async () => {
    const before = server.requests.length;
    await everyone('offset', 28 * DAY);
    await everyone('checkDue');
    const counts = requestsPerProfile(before);
    expect(counts.size).toBe(PROFILES);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    const tokens = await everyone<Record<string, string>>('tokens');
    for (const each of tokens) expect(each).toEqual(tokens[0]);
    expect(Object.values(tokens[0] ?? {}).every((token) => server.issued.slice(PROFILES).includes(token))).toBe(true);
  }, 60_000);

  it('refreshes each profile once even when every answer takes longer than the lock', async () => {
    const before = server.requests.length;
    // Each lock lapses more than once while its request is out, unless its holder renews it.
    server.behave({ type: 'delay', ms: LOCK_MS + 700 });
    try {
      await everyone('offset', 56 * DAY);
      await everyone('checkDue');
    } finally {
      server.behave({ type: 'ok' });
    }
    const counts = requestsPerProfile(before);
    expect(counts.size).toBe(PROFILES);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const tokens = await everyone<Record<string, string>>('tokens');
    for (const each of tokens) expect(each).toEqual(tokens[0]);
  }, 120_000);

  it('brings one member’s refresh to every other process promptly', async () => {
    await everyone('offset', 84 * DAY);
    await children[0]?.call('checkDue');
    // From the moment the refresher has written all 200 tokens.
    const started = Date.now();
    const target = await children[0]?.call<Record<string, string>>('tokens');
    let lagging = children.slice(1);
    // Word arrives by pub/sub within milliseconds on an idle machine (bench:team reports it); the
    // deadline is generous so that a starved CPU cannot fail the test, but no one polls for it.
    while (lagging.length > 0 && Date.now() - started < 15_000) {
      const tokens = await Promise.all(lagging.map((c) => c.call<Record<string, string>>('tokens')));
      lagging = lagging.filter((_, i) => JSON.stringify(tokens[i]) !== JSON.stringify(target));
    }
    expect(lagging).toEqual([]);
  }, 30_000);

  it('lets another member finish when the lock holder is killed mid-refresh', async () => {
    const [holder, heir] = children;
    if (!holder || !heir) throw new Error('no children');
    const current = (await heir.call<Record<string, string>>('tokens')).p0 ?? '';
    const before = server.requests.length;
    server.queue({ type: 'hang' });
    void holder.call('refresh', 'p0', current).catch(() => undefined);
    while (server.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    holder.process.kill('SIGKILL');
    const killed = Date.now();
    expect(await heir.call('refresh', 'p0', current)).toBeNull();
    // The heir waited for the dead holder's lease to lapse, not for a poll or a deadline.
    expect(Date.now() - killed).toBeLessThan(LOCK_MS + 10_000);
    const token = (await heir.call<Record<string, string>>('tokens')).p0;
    expect(token).not.toBe(current);
    expect(token).toBe(server.issued.at(-1));
    children.splice(0, 1);
  }, 30_000);

  it('survives Redis being killed and restarted, and shares again', async () => {
    await redis.stop('SIGKILL');
    const states = await everyone<string>('connection');
    expect(states.every((state) => state === 'unreachable' || state === 'connected')).toBe(true);
    for (const c of children) expect(c.process.exitCode).toBeNull();
    await redis.start();
    const restarted = Date.now();
    while ((await everyone<string>('connection')).some((state) => state !== 'connected')) {
      if (Date.now() - restarted > 20_000) throw new Error('not reconnected within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [writer, reader] = children;
    const old = (await writer?.call<Record<string, string>>('tokens'))?.p1 ?? '';
    expect(await writer?.call('refresh', 'p1', old)).toBeNull();
    const fresh = (await writer?.call<Record<string, string>>('tokens'))?.p1;
    while ((await reader?.call<Record<string, string>>('tokens'))?.p1 !== fresh) {
      if (Date.now() - restarted > 20_000) throw new Error('sharing did not resume within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 30_000);
});
