import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import type { Failure } from '../errors.ts';
import type { Logger } from '../types.ts';
import { openForSlot, parseTeamKey, sealForSlot, slotName } from './team-key.ts';
import {
  type FetchOutcome,
  type LockedRefresh,
  type SharedToken,
  type TeamConnection,
  type TeamPort,
  type TeamRole,
  type TeamSlotState,
  TeamUnavailableError,
} from './team-port.ts';

export interface RedisTeamOptions {
  /** `redis://` or `rediss://` (TLS), with an ACL user in the URL or below. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Every key starts with it: several teams (or apps) may share one Redis. */
  prefix: string;
  /** The team key as its members paste it (team-key.ts). */
  teamKey: string;
  /** Who this member is, as the window shows "refreshed by". */
  member: string;
  role: TeamRole;
  soloWhenUnreachable: boolean;
  /** How long a refresh may hold a credential's lock; a holder that dies frees it after this. */
  lockMs?: number;
  /** A failed fetch is shared this long, so waiters do not all ask the provider again. */
  failureMs?: number;
  /** A command that takes longer means the store is unreachable. */
  commandTimeoutMs?: number;
  now?: () => number;
  logger: Logger;
  /** Counted by a server's metrics. */
  observer?: { roundTrip?(): void; lockWait?(ms: number): void };
}

export const DEFAULT_LOCK_MS = 30_000;
const DEFAULT_FAILURE_MS = 30_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

/** Writes the token only if the generation is the one the writer read; tells every member. */
const COMPARE_AND_SET = `
local generation = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
if generation ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'ct', ARGV[2], 'generation', generation + 1, 'obtainedAt', ARGV[3],
  'expiresAt', ARGV[4], 'refreshedBy', ARGV[5])
redis.call('PEXPIREAT', KEYS[1], ARGV[6])
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[7], KEYS[1])
return generation + 1`;

/** Frees the lock only if this member still holds it; wakes the waiters either way. */
const COMPARE_AND_DELETE = `
local freed = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then freed = redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return freed`;

/** A token whose lifetime nobody knows is kept a day at most. */
const UNKNOWN_LIFETIME_TTL_MS = 24 * 3_600_000;

/**
 * The team store on Redis 6+ (or a compatible server) through node-redis' core client. Tokens
 * are sealed with the team key; credentials are named by a keyed hash; refreshes go through a
 * `SET NX PX` lock with a random owner, a compare-and-set on the generation and a
 * compare-and-delete release, and waiters are woken by pub/sub, not by polling.
 */
export function createRedisTeam(options: RedisTeamOptions): TeamPort {
  const key = parseTeamKey(options.teamKey);
  const now = options.now ?? Date.now;
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  const failureMs = options.failureMs ?? DEFAULT_FAILURE_MS;
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const channel = `${options.prefix}:updates`;
  const log = options.logger;

  const client = createClient({
    url: options.url,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    // A command while disconnected fails at once: the engine then serves what it has.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 3_000,
      // Back off to 2 s between attempts: sharing resumes within seconds of Redis returning.
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
    },
  });
  const subscriber = client.duplicate();
  let state: TeamConnection = 'connecting';
  let closed = false;
  const stateListeners = new Set<(state: TeamConnection) => void>();
  const updateListeners = new Set<(slot: string) => void>();
  const waiters = new Map<string, Set<() => void>>();

  function setState(next: TeamConnection): void {
    if (next === state || closed) return;
    state = next;
    if (next === 'unreachable') log.warn('team store unreachable');
    if (next === 'connected') log.info('team store connected');
    for (const listener of stateListeners) listener(next);
  }
  const connectionState = () => (client.isReady && subscriber.isReady ? 'connected' : 'unreachable');
  for (const each of [client, subscriber]) {
    each.on('error', () => setState('unreachable'));
    each.on('ready', () => setState(connectionState()));
    each.on('end', () => setState('unreachable'));
  }
  function onMessage(slot: string): void {
    for (const wake of waiters.get(slot) ?? []) wake();
    for (const listener of updateListeners) listener(slot);
  }
  void client.connect().catch(() => undefined);
  void subscriber
    .connect()
    .then(() => subscriber.subscribe(channel, onMessage))
    .catch(() => undefined);

  /** Runs a command, failing as unreachable when it errs or takes too long. */
  async function command<T>(run: () => Promise<T>): Promise<T> {
    if (closed) throw new TeamUnavailableError();
    options.observer?.roundTrip?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
    } catch (error) {
      throw new TeamUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  const failureKey = (slot: string) => `${slot}:failure`;
  const lockKey = (slot: string) => `${slot}:lock`;

  async function readSlot(slot: string): Promise<TeamSlotState & { generation: number }> {
    const [fields, failure] = await command(
      () =>
        client.multi().hGetAll(slot).get(failureKey(slot)).exec() as unknown as Promise<
          [Record<string, string>, string | null]
        >,
    );
    const generation = Number(fields.generation ?? 0);
    const result: TeamSlotState & { generation: number } = { generation };
    if (fields.ct) {
      const token = openForSlot(key, slot, generation, fields.ct);
      if (token === undefined) log.warn('team token does not open: is this the team key?', { generation });
      else {
        const expiresAt = fields.expiresAt ? Number(fields.expiresAt) : undefined;
        result.token = {
          token,
          generation,
          obtainedAt: Number(fields.obtainedAt ?? 0),
          refreshedBy: fields.refreshedBy ?? '',
          ...(expiresAt === undefined ? {} : { expiresAt }),
        };
      }
    }
    const opened = failure ? openForSlot(key, `${slot}:failure`, 0, failure) : undefined;
    if (opened) result.failure = JSON.parse(opened) as { failure: Failure; at: number };
    return result;
  }

  async function share(slot: string, generation: number, outcome: FetchOutcome & { ok: true }) {
    const next = generation + 1;
    const sealed = sealForSlot(key, slot, next, outcome.token);
    const expireAt = outcome.expiresAt ?? outcome.obtainedAt + UNKNOWN_LIFETIME_TTL_MS;
    const written = await command(() =>
      client.eval(COMPARE_AND_SET, {
        keys: [slot, failureKey(slot)],
        arguments: [
          String(generation),
          sealed,
          String(outcome.obtainedAt),
          outcome.expiresAt === undefined ? '' : String(outcome.expiresAt),
          options.member,
          String(Math.max(expireAt, now() + 1_000)),
          channel,
        ],
      }),
    );
    return Number(written);
  }

  async function shareFailure(slot: string, failure: Failure): Promise<void> {
    const sealed = sealForSlot(key, `${slot}:failure`, 0, JSON.stringify({ failure, at: now() }));
    await command(() => client.set(failureKey(slot), sealed, { expiration: { type: 'PX', value: failureMs } }));
  }

  /** Resolves at the slot's next update or after `ms`, whichever comes first. */
  function waitFor(slot: string, ms: number, signal: AbortSignal): { done: Promise<void>; cancel(): void } {
    let wake: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const set = waiters.get(slot) ?? new Set();
    set.add(wake);
    waiters.set(slot, set);
    const timer = setTimeout(wake, ms);
    const onAbort = () => wake();
    signal.addEventListener('abort', onAbort, { once: true });
    const cancel = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      set.delete(wake);
      if (set.size === 0) waiters.delete(slot);
    };
    void done.then(cancel);
    return { done, cancel };
  }

  return {
    name: options.prefix,
    role: options.role,
    soloWhenUnreachable: options.soloWhenUnreachable,
    slotOf: (identity) => slotName(key, options.prefix, identity),
    read: readSlot,

    async refreshLocked(slot, wanted, fetch, signal): Promise<LockedRefresh> {
      const started = now();
      const owner = randomUUID();
      for (;;) {
        if (signal.aborted) throw new TeamUnavailableError(signal.reason);
        // Listening before trying the lock: the holder's word cannot slip between the two.
        const wait = waitFor(slot, lockMs, signal);
        const taken = await command(() =>
          client.set(lockKey(slot), owner, { condition: 'NX', expiration: { type: 'PX', value: lockMs } }),
        ).catch((error: unknown) => {
          wait.cancel();
          throw error;
        });
        if (taken === 'OK') {
          wait.cancel();
          try {
            const current = await readSlot(slot);
            if (current.token && !wanted(current.token)) return { kind: 'adopted', token: current.token };
            const outcome = await fetch();
            if (!outcome.ok) {
              await shareFailure(slot, outcome.failure);
              return { kind: 'failed', failure: outcome.failure };
            }
            const generation = await share(slot, current.generation, outcome);
            if (generation < 0) {
              // A newer token was written while this answer was on its way: it stays.
              const newer = await readSlot(slot);
              if (newer.token) return { kind: 'adopted', token: newer.token };
              throw new TeamUnavailableError(new Error('compare-and-set refused and nothing newer found'));
            }
            const token: SharedToken = {
              token: outcome.token,
              generation,
              obtainedAt: outcome.obtainedAt,
              refreshedBy: options.member,
              ...(outcome.expiresAt === undefined ? {} : { expiresAt: outcome.expiresAt }),
            };
            return { kind: 'fetched', token };
          } finally {
            await command(() =>
              client.eval(COMPARE_AND_DELETE, { keys: [lockKey(slot)], arguments: [owner, channel, slot] }),
            ).catch(() => undefined);
          }
        }
        // Another member holds the lock: wait for its word (or for the lock to lapse if it died).
        const left = await command(() => client.pTTL(lockKey(slot))).catch((error: unknown) => {
          wait.cancel();
          throw error;
        });
        if (left > 0) {
          const waited = now();
          await wait.done;
          options.observer?.lockWait?.(now() - waited);
        } else wait.cancel();
        const current = await readSlot(slot);
        if (current.token && !wanted(current.token)) return { kind: 'adopted', token: current.token };
        if (current.failure && current.failure.at >= started)
          return { kind: 'failed', failure: current.failure.failure };
      }
    },

    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    connection: () => (closed ? 'unreachable' : state),
    onConnection(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const set of waiters.values()) for (const wake of set) wake();
      await Promise.all(
        [client, subscriber].map((each) =>
          each.isOpen ? each.close().catch(() => each.destroy()) : Promise.resolve(each.destroy()),
        ),
      ).catch(() => undefined);
    },
  };
}
