import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newTeamKey } from '../../main/core/index.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { startRedisCluster } from '../support/redis-cluster.ts';
import { useTeamMembers } from '../support/team-members.ts';

/**
 * Team mode on a Redis Cluster of three masters (real redis-server processes): every key of a
 * credential shares one hash slot, so its Lua scripts, its lock and its MULTI run; and a slot
 * moved to another master while refreshes run (ASK, then MOVED) changes nothing members can see.
 */
const PREFIX = 'tt-cluster';
const TEAM_KEY = newTeamKey();
let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
let tokens: FakeTokenServer;
const { engines, member: join } = useTeamMembers({ prefix: PREFIX, teamKey: TEAM_KEY });

beforeAll(async () => {
  cluster = await startRedisCluster();
  tokens = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await tokens?.close();
});
/** A member of the team through the cluster's seed nodes. */
const member = async (name: string) => (await join(cluster.url, name)).service;

const input = { name: 'ERNIE', provider: 'baidu' as const, apiKey: API_KEY, secretKey: SECRET_KEY, shared: true };

describe('team mode on a Redis Cluster', () => {
  it('keeps a credential in one hash slot, and shares one fetch per refresh while that slot moves', async () => {
    const a = await member('a');
    const b = await member('b');
    const first = tokens.requests.length;
    const pa = await a.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
    const pb = await b.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
    expect(await b.getToken(pb.id)).toBe(await a.getToken(pa.id));
    expect(tokens.requests.length - first).toBe(1);

    // The credential's keys: one hash tag, one slot.
    const keys = cluster.keys().filter((key) => key.startsWith(`{${PREFIX}:`));
    expect(keys.length).toBeGreaterThanOrEqual(1);
    const slots = new Set(keys.map((key) => cluster.keySlot(key)));
    expect(slots.size).toBe(1);
    const [slot = -1] = slots;

    // Refreshes keep coming while the slot moves to another master: each round, a member that
    // holds the newest token reports it refused (as an API would), alternating members.
    const before = tokens.requests.length;
    let rounds = 0;
    let moving = true;
    const errors: string[] = [];
    const refreshing = (async () => {
      while (moving || rounds < 4) {
        const [who, id] = rounds % 2 === 0 ? [a, pa.id] : [b, pb.id];
        await vi.waitFor(async () => expect(await who.getToken(id)).toBe(tokens.issued.at(-1)), { timeout: 10_000 });
        const view = await who.refresh(id, { rejectedToken: (await who.getToken(id)) ?? '' });
        if (view.error) errors.push(view.error.code);
        rounds++;
      }
    })();
    const owner = cluster.ownerOf(slot);
    const movedTo = await cluster.moveSlot(slot);
    expect(movedTo).not.toBe(owner);
    moving = false;
    await refreshing;

    // No round failed, both members hold the same newest token, and it lives on the new master.
    expect(errors).toEqual([]);
    await vi.waitFor(async () => expect(await a.getToken(pa.id)).toBe(await b.getToken(pb.id)), { timeout: 10_000 });
    expect(await a.getToken(pa.id)).toBe(tokens.issued.at(-1));
    // Never two fetches for one round (a round may join a refresh already out and fetch nothing).
    expect(tokens.requests.length - before).toBeLessThanOrEqual(rounds);
    expect(tokens.requests.length - before).toBeGreaterThanOrEqual(Math.ceil(rounds / 2));
    expect(cluster.cli(movedTo, 'cluster', 'countkeysinslot', String(slot)).trim()).not.toBe('0');
    for (const { logs } of engines) expect(logs.join('\n')).not.toContain('team store unreachable');
  }, 120_000);

  it('follows a master failover inside the cluster: the replica takes over, members go on', async () => {
    const replicated = await startRedisCluster({ replicas: true });
    try {
      const a = (await join(replicated.url, 'a')).service;
      const b = (await join(replicated.url, 'b')).service;
      const pa = await a.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
      const pb = await b.addProfile({ ...input, tokenUrl: tokens.baiduUrl });
      expect(await b.getToken(pb.id)).toBe(await a.getToken(pa.id));
      const [key = ''] = replicated.keys().filter((name) => name.startsWith(`{${PREFIX}:`));
      const slot = replicated.keySlot(key);
      const before = tokens.requests.length;
      const old = replicated.ownerOf(slot);
      const promoted = await replicated.failMaster(slot);
      expect(promoted).not.toBe(old);
      // A refresh after the failover goes through the promoted replica and reaches the other member.
      await vi.waitFor(
        async () => {
          const view = await a.refresh(pa.id, { rejectedToken: (await a.getToken(pa.id)) ?? '' });
          expect(view.error).toBeUndefined();
        },
        { timeout: 30_000, interval: 500 },
      );
      await vi.waitFor(async () => expect(await b.getToken(pb.id)).toBe(await a.getToken(pa.id)), { timeout: 20_000 });
      expect(tokens.requests.length - before).toBeLessThanOrEqual(2);
      expect(replicated.cli(promoted, 'cluster', 'countkeysinslot', String(slot)).trim()).not.toBe('0');
    } finally {
      await replicated.stop();
    }
  }, 120_000);
});
