import { randomUUID } from 'node:crypto';
import type { Failure } from '../errors.ts';
import type { Logger } from '../types.ts';
import { openRedisConnection } from './redis-connection.ts';
import { keyCheckValue, openForSlot, openToken, parseTeamKey, sealForSlot, sealToken, slotName } from './team-key.ts';
import {
  type FetchOutcome,
  LOCK_LOST,
  type LockedRefresh,
  type SharedToken,
  type TeamConnection,
  type TeamPort,
  TeamRefusedError,
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
  /** Waiting for another member's lock gives up after this (a holder stuck for good). */
  waitDeadlineMs?: number;
  now?: () => number;
  logger: Logger;
  /** Counted by a server's metrics. */
  observer?: { roundTrip?(): void; lockWait?(ms: number): void };
  /**
   * PEM authorities a `rediss://` server's certificate may chain to, beside the system's and
   * Node's (the company CA file of Settings → Network, a server's `extraCaFile`).
   */
  extraCertificates?: () => readonly string[];
}

export const DEFAULT_LOCK_MS = 30_000;
const DEFAULT_FAILURE_MS = 30_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
const DEFAULT_WAIT_DEADLINE_MS = 60_000;

/**
 * Writes the token only if the generation is the one the writer read, as the generation the
 * writer sealed it for (above any it has seen); tells every member. The fields beside `ct` are for
 * people reading Redis: members trust only what opens from `ct`.
 */
const COMPARE_AND_SET = `
local generation = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
if generation ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'ct', ARGV[2], 'generation', ARGV[8], 'obtainedAt', ARGV[3],
  'expiresAt', ARGV[4], 'refreshedBy', ARGV[5])
redis.call('PEXPIREAT', KEYS[1], ARGV[6])
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[7], KEYS[1])
return tonumber(ARGV[8])`;

/**
 * Takes the lock, or answers how long its holder still has. A lock written without an expiry (by
 * hand, or by a broken client) gets the lock lifetime now, so it lapses instead of blocking for ever.
 */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -3 end
local left = redis.call('PTTL', KEYS[1])
if left == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return tonumber(ARGV[2]) end
return left`;

/** Extends the lock only while this member holds it: 1 renewed, 0 lost. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Frees the lock only if this member still holds it; wakes the waiters either way. */
const COMPARE_AND_DELETE = `
local freed = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then freed = redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return freed`;

/**
 * A slot and its shared failure in one round trip. A script rather than MULTI: a Redis Cluster
 * client follows MOVED and ASK for a script (the slot moved to another master), not for MULTI.
 */
const READ_SLOT = `return {redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2])}`;

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
  const waitDeadlineMs = options.waitDeadlineMs ?? DEFAULT_WAIT_DEADLINE_MS;
  const channel = `${options.prefix}:updates`;
  const log = options.logger;

  const connection = openRedisConnection(options);
  const client = connection.commands;
  let state: TeamConnection = 'connecting';
  let closed = false;
  const stateListeners = new Set<(state: TeamConnection) => void>();
  const updateListeners = new Set<(slot: string) => void>();
  const waiters = new Map<string, Set<() => void>>();

  /** This member's key is not the one the team's key check was written with: it writes nothing. */
  let keyMismatch = false;
  /** Slots whose data did not open (another key, or written by someone without the key): said once each. */
  const unreadable = new Set<string>();
  const keyCheck = keyCheckValue(key);
  const keyCheckKey = `${options.prefix}:keycheck`;

  /** Resolves when the store is first connected or found unreachable: commands before that wait for it. */
  let firstSettled: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    firstSettled = resolve;
  });
  function setState(next: TeamConnection): void {
    if (next === state || closed) return;
    state = next;
    firstSettled();
    if (next === 'unreachable') log.warn('team store unreachable');
    if (next === 'connected') log.info('team store connected');
    for (const listener of stateListeners) listener(next);
  }
  const announce = () => {
    for (const listener of stateListeners) listener(state);
  };
  /** Compares this member's key with the team's check value (writing it if the team has none yet). */
  async function checkKey(): Promise<void> {
    const stored = await command(async () => {
      await client.set(keyCheckKey, keyCheck, { condition: 'NX' });
      return client.get(keyCheckKey);
    }, true);
    const mismatch = stored !== keyCheck;
    if (mismatch === keyMismatch) return;
    keyMismatch = mismatch;
    if (mismatch) log.error('team key mismatch: this computer’s team key is not the team’s; nothing is shared');
    else log.info('team key matches the team again');
    announce();
  }
  /** The Redis user was refused the team's keys (said once). */
  let refused = false;
  const connectionState = () => (connection.up() ? 'connected' : 'unreachable');
  connection.onChange((up) => {
    if (!up) {
      setState('unreachable');
      return;
    }
    // The key is checked before the member says it is connected: a wrong key is never "Connected".
    void checkKey().then(
      () => setState(connectionState()),
      (error: unknown) => {
        // Connected, but the ACL user may not use the team's keys: say so, and stay off.
        const why = String((error as { cause?: unknown }).cause ?? error);
        if (!/NOPERM/.test(why)) return;
        if (!refused)
          log.error('team store refuses this user the team’s keys (ACL NOPERM)', { prefix: options.prefix });
        refused = true;
        setState('unreachable');
      },
    );
  });
  function onMessage(slot: string): void {
    for (const wake of waiters.get(slot) ?? []) wake();
    for (const listener of updateListeners) listener(slot);
  }
  connection.subscribe(channel, onMessage);

  /**
   * A Redis Cluster moving a credential's slot answers TRYAGAIN to a script over its keys until
   * they are all on one side: asked again shortly, within the command's time.
   */
  async function retryingTryAgain<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (attempt >= 40 || !/^TRYAGAIN/.test(String((error as Error | undefined)?.message))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  /** Runs a command, failing as unreachable when it errs or takes too long. */
  async function command<T>(run: () => Promise<T>, connecting = false): Promise<T> {
    if (closed) throw new TeamUnavailableError();
    options.observer?.roundTrip?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // Just started: the first command waits (within its time) for the connection to be made.
      if (state === 'connecting' && !connecting) {
        await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref?.())]);
      }
      return await Promise.race([
        retryingTryAgain(run),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
    } catch (error) {
      // A cluster learns its topology afresh (a master may have died: no redirection says so).
      if (!/NOPERM/.test(String((error as Error | undefined)?.message))) connection.trouble?.();
      throw new TeamUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  const failureKey = (slot: string) => `${slot}:failure`;
  const lockKey = (slot: string) => `${slot}:lock`;

  /** Says once per slot that its data did not open; it is then treated as absent. */
  function unreadableSlot(slot: string, generation: number): void {
    if (unreadable.has(slot)) return;
    unreadable.add(slot);
    log.warn('team token does not open (another team key, or written without the key): ignored', { generation });
    announce();
  }

  async function readSlot(slot: string): Promise<TeamSlotState & { generation: number }> {
    const [flat, failure] = await command(
      () =>
        client.eval(READ_SLOT, { keys: [slot, failureKey(slot)], arguments: [] }) as Promise<[string[], string | null]>,
    );
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
    const generation = Number(fields.generation ?? 0);
    const result: TeamSlotState & { generation: number } = { generation };
    if (fields.ct) {
      const token = Number.isSafeInteger(generation) ? openToken(key, slot, generation, fields.ct) : undefined;
      if (token === undefined) unreadableSlot(slot, generation);
      else {
        unreadable.delete(slot);
        result.token = token;
      }
    }
    const opened = failure ? openForSlot(key, `${slot}:failure`, 0, failure) : undefined;
    if (opened) result.failure = JSON.parse(opened) as { failure: Failure; at: number };
    return result;
  }

  async function share(slot: string, expected: number, seen: number, outcome: FetchOutcome & { ok: true }) {
    const next = Math.max(expected, seen) + 1;
    const token: SharedToken = {
      token: outcome.token,
      generation: next,
      obtainedAt: outcome.obtainedAt,
      refreshedBy: options.member,
      ...(outcome.expiresAt === undefined ? {} : { expiresAt: outcome.expiresAt }),
    };
    const expireAt = outcome.expiresAt ?? outcome.obtainedAt + UNKNOWN_LIFETIME_TTL_MS;
    const written = await command(() =>
      client.eval(COMPARE_AND_SET, {
        keys: [slot, failureKey(slot)],
        arguments: [
          String(expected),
          sealToken(key, slot, token),
          String(outcome.obtainedAt),
          outcome.expiresAt === undefined ? '' : String(outcome.expiresAt),
          options.member,
          String(Math.max(expireAt, now() + 1_000)),
          channel,
          String(next),
        ],
      }),
    );
    return Number(written) < 0 ? undefined : token;
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

  /**
   * The lock is this member's: re-read the slot, fetch while a watchdog renews the lease (a slow
   * provider or a starved CPU cannot let it lapse), check it is still held just before sending,
   * share the answer, release.
   */
  async function underLock(
    slot: string,
    owner: string,
    wanted: (current: SharedToken | undefined) => boolean,
    fetch: (held: () => Promise<boolean>) => Promise<FetchOutcome | typeof LOCK_LOST>,
    seen: number,
  ): Promise<LockedRefresh> {
    let lost = false;
    /** Extends the lock to its full lifetime from now; false once it is no longer ours (a failed command is not proof). */
    const renew = async () => {
      const renewed = await command(() =>
        client.eval(RENEW, { keys: [lockKey(slot)], arguments: [owner, String(lockMs)] }),
      ).then(Number, () => 1);
      if (renewed === 0) lost = true;
      return !lost;
    };
    const watchdog = setInterval(() => void renew(), Math.max(lockMs / 3, 50));
    watchdog.unref?.();
    try {
      const current = await readSlot(slot);
      // A generation below one this member held is old data brought back: it counts as nothing.
      const rolledBack = current.token !== undefined && current.generation < seen;
      if (current.token && !rolledBack && !wanted(current.token)) return { kind: 'adopted', token: current.token };
      // Just before sending: still ours, and renewed to its full lifetime from this moment, so a
      // request that goes out now has the whole lease ahead of it.
      const outcome = await fetch(async () => !lost && (await renew()));
      if (outcome === LOCK_LOST) {
        // Someone else holds it now: take its token once it is written (the caller's loop waits).
        const newer = await readSlot(slot);
        if (newer.token && newer.generation >= seen && !wanted(newer.token))
          return { kind: 'adopted', token: newer.token };
        throw new TeamUnavailableError(new Error('the team lock lapsed before the request was sent'));
      }
      if (!outcome.ok) {
        await shareFailure(slot, outcome.failure);
        return { kind: 'failed', failure: outcome.failure };
      }
      const token = await share(slot, current.generation, seen, outcome);
      if (token) return { kind: 'fetched', token };
      // A newer token was written while this answer was on its way: it stays.
      const newer = await readSlot(slot);
      if (newer.token) return { kind: 'adopted', token: newer.token };
      throw new TeamUnavailableError(new Error('compare-and-set refused and nothing newer found'));
    } finally {
      clearInterval(watchdog);
      await command(() =>
        client.eval(COMPARE_AND_DELETE, { keys: [lockKey(slot)], arguments: [owner, channel, slot] }),
      ).catch(() => undefined);
    }
  }

  return {
    name: options.prefix,
    role: options.role,
    soloWhenUnreachable: options.soloWhenUnreachable,
    slotOf: (identity) => connection.slotKey(slotName(key, options.prefix, identity)),
    read: readSlot,

    async refreshLocked(slot, wanted, fetch, signal, lockOptions = {}): Promise<LockedRefresh> {
      const seen = lockOptions.seen ?? 0;
      const withSlot = lockOptions.withSlot ?? (<T>(attempt: () => Promise<T>) => attempt());
      const started = now();
      // The waiting deadline runs on the real clock, whatever the engine's clock says.
      const waitingSince = performance.now();
      const owner = randomUUID();
      for (let tries = 0; ; tries++) {
        if (signal.aborted) throw new TeamUnavailableError(signal.reason);
        // A member with another key would only write beside the team: it writes nothing.
        if (keyMismatch) throw new TeamRefusedError('key_mismatch');
        // Listening before trying the lock: the holder's word cannot slip between the two.
        const wait = waitFor(slot, lockMs, signal);
        const attempt = await withSlot(async (): Promise<{ done: LockedRefresh } | { left: number }> => {
          const left = Number(
            await command(() => client.eval(ACQUIRE, { keys: [lockKey(slot)], arguments: [owner, String(lockMs)] })),
          );
          return left === -3 ? { done: await underLock(slot, owner, wanted, fetch, seen) } : { left };
        }).catch((error: unknown) => {
          wait.cancel();
          throw error;
        });
        if ('done' in attempt) {
          wait.cancel();
          return attempt.done;
        }
        const { left } = attempt;
        // Another member holds the lock: wait for its word, or for the lock to lapse if it died;
        // never in a loop that asks Redis again at once, and never past the deadline.
        if (performance.now() - waitingSince > waitDeadlineMs) {
          wait.cancel();
          log.warn('gave up waiting for another member’s team lock', {
            waitedMs: Math.round(performance.now() - waitingSince),
          });
          throw new TeamRefusedError('lock_timeout');
        }
        const waited = now();
        const pause = left > 0 ? left + 5 : Math.min(25 * 2 ** tries, 1_000);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const slept = new Promise((resolve) => {
          timer = setTimeout(resolve, pause * (1 + Math.random() * 0.2));
        });
        await Promise.race([wait.done, slept]);
        clearTimeout(timer);
        wait.cancel();
        options.observer?.lockWait?.(now() - waited);
        const current = await readSlot(slot);
        if (current.token && current.generation >= seen && !wanted(current.token))
          return { kind: 'adopted', token: current.token };
        if (current.failure && current.failure.at >= started)
          return { kind: 'failed', failure: current.failure.failure };
      }
    },

    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    connection: () => (closed ? 'unreachable' : state),
    problems: () => ({ keyMismatch, unreadableSlots: unreadable.size }),
    onConnection(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const set of waiters.values()) for (const wake of set) wake();
      await connection.close();
    },
  };
}
