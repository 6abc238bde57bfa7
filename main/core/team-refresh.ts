import { type Failure, failure } from './errors.ts';
import type { StoredProfile } from './profile-store.ts';
import { tokenEndpoint } from './providers/facts.ts';
import type { Credentials, ProviderResult } from './providers/index.ts';
import { MIN_USABLE_MS, MINUTE } from './refresh-policy.ts';
import type { FetchOutcome, SharedToken, TeamPort } from './team/team-port.ts';
import { LOCK_LOST, TeamRefusedError, TeamUnavailableError } from './team/team-port.ts';
import type { Logger } from './types.ts';

/** A reader whose token is due looks for the team's next one this often. */
export const READER_RECHECK_MS = MINUTE;

/** A token to keep, and where it came from in the team. */
export interface KeptToken {
  plain: string;
  obtainedAt: number;
  expiresAt?: number | undefined;
  team?: { generation: number; refreshedBy: string } | undefined;
  /** Fetched here, or taken from another member. */
  via?: 'fetched' | 'adopted';
}

export interface TeamRefreshDeps {
  team(): TeamPort | undefined;
  /** The host's share of concurrent requests: a lock is held only while a request may go out. */
  limit<T>(host: string, run: () => Promise<T> | T): Promise<T>;
  records: Map<string, StoredProfile>;
  now(): number;
  log: Logger;
  signal: AbortSignal;
  /** `beforeSend` is asked once the request has its place among the host's: false sends nothing. */
  fetchToken(
    record: StoredProfile,
    credentials: Credentials,
    force: boolean,
    limited: boolean,
    beforeSend?: () => Promise<boolean>,
  ): Promise<ProviderResult | typeof LOCK_LOST>;
  /** Whether this token can serve until the next planned refresh: not yet due for this profile. */
  canWait(record: StoredProfile, token: { obtainedAt: number; expiresAt?: number | undefined }): boolean;
  /** Seals and keeps the token (clears failures); false when the profile changed meanwhile. */
  keep(record: StoredProfile, token: KeptToken): Promise<boolean>;
  fail(record: StoredProfile, failure: Failure): void;
}

const kept = (shared: SharedToken, via: 'fetched' | 'adopted'): KeptToken => ({
  plain: shared.token,
  obtainedAt: shared.obtainedAt,
  expiresAt: shared.expiresAt,
  team: { generation: shared.generation, refreshedBy: shared.refreshedBy },
  via,
});

/** What a fetch answered, as the team stores it; expiry counts from when the request left. */
function outcomeOf(result: ProviderResult, startedAt: number, now: number): FetchOutcome {
  if (!result.ok) return { ok: false, failure: result.failure };
  const { accessToken, expiresInMs, expiresAt } = result.grant;
  const expiry = expiresAt ?? (expiresInMs === undefined ? undefined : startedAt + expiresInMs);
  return { ok: true, token: accessToken, obtainedAt: now, expiresAt: expiry };
}

/**
 * Refreshing a shared profile: a member takes the team's lock and fetches only when the team has
 * nothing good enough; a reader only takes what the team has. Whatever arrives is kept locally
 * too, so a reader keeps serving a valid token while the team store is down.
 */
export function createTeamRefresh(deps: TeamRefreshDeps) {
  const { log } = deps;
  /** Each shared profile's slot, known once its keys were opened. */
  const slots = new Map<string, string>();

  function slotFor(team: TeamPort, record: StoredProfile, credentials: Credentials): string {
    const slot = team.slotOf({
      provider: record.provider,
      endpoint: tokenEndpoint(record),
      apiKey: credentials.apiKey,
    });
    slots.set(record.id, slot);
    return slot;
  }

  const usable = (token: SharedToken | undefined, now: number) =>
    token !== undefined && (token.expiresAt === undefined || token.expiresAt - now > MIN_USABLE_MS);
  /**
   * Whether the team's token should replace the one the profile holds: another token (generations
   * start over when Redis loses its data) that lives at least as long.
   */
  function newer(record: StoredProfile, token: SharedToken): boolean {
    const mine = record.token;
    if (!mine) return true;
    // Lower than a generation this member already held: old data brought back (rollback).
    if (token.generation < (record.team?.generation ?? 0)) return false;
    if (token.generation === record.team?.generation && token.obtainedAt === mine.obtainedAt) return false;
    if (token.expiresAt !== undefined && mine.expiresAt !== undefined) return token.expiresAt >= mine.expiresAt;
    return token.obtainedAt >= mine.obtainedAt;
  }

  /**
   * Refreshes a shared profile through the team. Resolves `solo` when the team store cannot be
   * reached and this member may refresh alone; the caller then fetches as it would without a team.
   */
  async function refresh(
    record: StoredProfile,
    credentials: Credentials,
    request: { force: boolean; rejected?: string | undefined },
  ): Promise<'done' | 'solo'> {
    const team = deps.team();
    if (!team) return 'solo';
    const slot = slotFor(team, record, credentials);
    const now = deps.now();
    try {
      if (team.role === 'reader') {
        const { token } = await team.read(slot);
        if (token && usable(token, now) && newer(record, token)) {
          if (!(await deps.keep(record, kept(token, 'adopted')))) return 'done';
        }
        if (record.token === undefined || !deps.canWait(record, record.token)) {
          const stillUsable = record.token?.expiresAt === undefined || record.token.expiresAt - now > MIN_USABLE_MS;
          if (record.token && stillUsable) record.retryAt = now + READER_RECHECK_MS;
          else deps.fail(record, failure('team_no_token'));
        }
        return 'done';
      }
      const seen = record.team?.generation;
      const wanted = (current: SharedToken | undefined): boolean => {
        if (!current || !usable(current, deps.now())) return true;
        if (request.force) return current.generation === seen;
        if (request.rejected !== undefined) return current.token === request.rejected;
        return !deps.canWait(record, current);
      };
      const fetch = async (held: () => Promise<boolean>): Promise<FetchOutcome | typeof LOCK_LOST> => {
        const startedAt = deps.now();
        const result = await deps.fetchToken(record, credentials, request.force, false, held);
        return result === LOCK_LOST ? result : outcomeOf(result, startedAt, deps.now());
      };
      // Each attempt at the lock runs within the host's share of requests, so a member never holds
      // locks it cannot serve yet; waiting for another member's lock holds no share at all.
      const host = URL.canParse(tokenEndpoint(record)) ? new URL(tokenEndpoint(record)).host : '';
      const result = await team.refreshLocked(slot, wanted, fetch, deps.signal, {
        seen: seen ?? 0,
        withSlot: (attempt) => deps.limit(host, attempt),
      });
      if (result.kind === 'failed') deps.fail(record, result.failure);
      else await deps.keep(record, kept(result.token, result.kind));
      return 'done';
    } catch (error) {
      if (!(error instanceof TeamUnavailableError)) throw error;
      if (error instanceof TeamRefusedError) {
        // Reachable but refused (a wrong team key, a lock held past the deadline): never alone.
        deps.fail(record, failure('team_unavailable', { messageKey: `team_${error.problem}` }));
        return 'done';
      }
      if (team.role === 'member' && team.soloWhenUnreachable && !deps.signal.aborted) {
        log.warn('team store unreachable: refreshing alone', { profile: record.id });
        return 'solo';
      }
      deps.fail(record, failure('team_unavailable'));
      return 'done';
    }
  }

  /** Takes a newer token another member wrote, without fetching; true when one was kept. */
  async function adopt(id: string): Promise<boolean> {
    const team = deps.team();
    const record = deps.records.get(id);
    const slot = slots.get(id);
    if (!team || !record?.shared || slot === undefined) return false;
    const { token } = await team.read(slot);
    if (!token || !usable(token, deps.now()) || !newer(record, token)) return false;
    return deps.keep(record, kept(token, 'adopted'));
  }

  return {
    refresh,
    adopt,
    /** The profiles a slot belongs to (several profiles may hold one credential). */
    profilesOf: (slot: string) => [...slots].filter(([, each]) => each === slot).map(([id]) => id),
    knows: (id: string) => slots.has(id),
    /** Learns a profile's slot from its keys (at start-up, so word from the team finds it). */
    learn(record: StoredProfile, credentials: Credentials): void {
      const team = deps.team();
      if (team && record.shared) slotFor(team, record, credentials);
    },
    forget: (id: string) => slots.delete(id),
    forgetAll: () => slots.clear(),
  };
}

export type TeamRefresh = ReturnType<typeof createTeamRefresh>;
