import type { Failure } from '../errors.ts';
import type { CredentialIdentity } from './team-key.ts';

/**
 * What the engine needs of a team: a shared copy of each credential's token, a lock so that one
 * member refreshes it, and word when another member did. Redis implements it (redis-team.ts);
 * tests may implement it in memory.
 */

/** A token as the team holds it. */
export interface SharedToken {
  token: string;
  obtainedAt: number;
  expiresAt?: number;
  /** Bumped by every write; a write that expected another generation is refused. */
  generation: number;
  /** The member that fetched it. */
  refreshedBy: string;
}

/** A fetch that failed for the team recently: waiters take it instead of asking the provider again. */
export interface SharedFailure {
  failure: Failure;
  at: number;
}

export interface TeamSlotState {
  token?: SharedToken | undefined;
  failure?: SharedFailure | undefined;
}

export type TeamConnection = 'connecting' | 'connected' | 'unreachable';

/** How this instance takes part: a member refreshes when due (under the lock), a reader never does. */
export type TeamRole = 'member' | 'reader';

export type FetchOutcome =
  | { ok: true; token: string; obtainedAt: number; expiresAt?: number | undefined }
  | { ok: false; failure: Failure };

export type LockedRefresh =
  /** Another member's token was good enough: nothing was fetched here. */
  | { kind: 'adopted'; token: SharedToken }
  /** Fetched here under the lock and shared. */
  | { kind: 'fetched'; token: SharedToken }
  /** The fetch failed, here or at the member that held the lock. */
  | { kind: 'failed'; failure: Failure };

/** The team store cannot be reached (Redis down, refused, timed out). */
export class TeamUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the team store cannot be reached', { cause });
    this.name = 'TeamUnavailableError';
  }
}

/**
 * Why a reachable team still cannot be used: this member's team key is not the team's (it could
 * open nothing and must write nothing), or another member held a credential's lock past the
 * waiting deadline.
 */
export type TeamProblem = 'key_mismatch' | 'lock_timeout';

/** The team is reachable but refuses this refresh for a reason the user must hear (TeamProblem). */
export class TeamRefusedError extends TeamUnavailableError {
  readonly problem: TeamProblem;
  constructor(problem: TeamProblem) {
    super();
    this.problem = problem;
    this.name = 'TeamRefusedError';
  }
}

/** Tells the caller, just before a request is sent, whether this member still holds the lock. */
export type LockCheck = () => Promise<boolean>;

export interface LockOptions {
  /** The highest generation this member has held for the slot (0: none). */
  seen?: number;
  /**
   * Runs one attempt (take the lock, and fetch if it was taken) within the host's share of
   * requests; waiting for another member's lock happens outside it, holding no share.
   */
  withSlot?: <T>(attempt: () => Promise<T>) => Promise<T>;
}

/** A fetch under the lock that found the lock gone before sending: nothing was sent. */
export const LOCK_LOST = 'lock-lost';

export interface TeamPort {
  readonly name: string;
  readonly role: TeamRole;
  /** Members may refresh alone, without the lock, while the team store is unreachable. */
  readonly soloWhenUnreachable: boolean;
  /** The credential's slot: names it in the store without revealing it. */
  slotOf(identity: CredentialIdentity): string;
  /** The slot's shared token and recent failure; throws TeamUnavailableError. */
  read(slot: string): Promise<TeamSlotState>;
  /**
   * Refreshes one credential for the whole team: takes the slot's lock (waiting, woken by the
   * holder's word, while another member holds it), asks `wanted` with what the slot holds once the
   * lock is held, and only then calls `fetch`, renewing the lock for as long as the fetch runs;
   * `fetch` asks `held()` just before it sends. Writes the result only if no newer token was
   * written meanwhile, as a generation above `options.seen` (the highest this member has held), so
   * a store that lost its data never hands out a generation a member already passed.
   * Throws TeamUnavailableError (TeamRefusedError for a wrong key or a lock held too long).
   */
  refreshLocked(
    slot: string,
    wanted: (current: SharedToken | undefined) => boolean,
    fetch: (held: LockCheck) => Promise<FetchOutcome | typeof LOCK_LOST>,
    signal: AbortSignal,
    options?: LockOptions,
  ): Promise<LockedRefresh>;
  /** Called with a slot whenever a member wrote its token. */
  onUpdate(listener: (slot: string) => void): () => void;
  connection(): TeamConnection;
  /** Why the reachable team cannot be used, and how many slots held data that did not open. */
  problems(): { keyMismatch: boolean; unreadableSlots: number };
  onConnection(listener: (state: TeamConnection) => void): () => void;
  close(): Promise<void>;
}
