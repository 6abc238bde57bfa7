import { nextCronAt, nextCronRuns } from './cron-schedule.ts';

/** The decisions about when to refresh: pure functions of stored state and the time. */

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
export const MIN_MARGIN_MS = 5 * MINUTE;
export const MARGIN_FRACTION = 0.1;
export const MAX_MARGIN_OVERRIDE_MS = 30 * DAY;
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 30 * MINUTE;
/** getToken() never hands out a token with less than this left. */
export const MIN_USABLE_MS = MINUTE;
/** No automatic refresh comes sooner than this after the last one, whatever a server answers. */
export const MIN_REFRESH_INTERVAL_MS = MINUTE;

export interface TokenTimes {
  obtainedAt: number;
  /** Undefined when the provider did not say how long the token lives. */
  expiresAt?: number;
}

export interface RefreshState {
  token?: TokenTimes;
  refreshMarginMs?: number;
  /** The provider's own limit on the margin (it returns the same token until then). */
  refreshMarginCapMs?: number;
  cron?: string;
  needsCredentials: boolean;
  lastError?: { retryable: boolean };
  /** When a retryable failure may be retried, ms since epoch. */
  retryAt?: number;
}

/**
 * How long before expiry to refresh: the override, or max(5 min, 10 % of the lifetime), never
 * more than half the lifetime so that a short-lived token is not refreshed the moment it arrives.
 */
export function refreshMargin(lifetimeMs: number, overrideMs?: number, capMs = Number.POSITIVE_INFINITY): number {
  const wanted = overrideMs ?? Math.max(MIN_MARGIN_MS, lifetimeMs * MARGIN_FRACTION);
  return Math.max(0, Math.min(wanted, lifetimeMs / 2, capMs));
}

/** When the token should be replaced, or undefined when its lifetime is unknown. */
export function plannedRefreshAt(token: TokenTimes, overrideMs?: number, capMs?: number): number | undefined {
  if (token.expiresAt === undefined) return undefined;
  return token.expiresAt - refreshMargin(token.expiresAt - token.obtainedAt, overrideMs, capMs);
}

export type TokenStatus = 'none' | 'valid' | 'expiring' | 'expired';

/** `expiring` means inside the refresh window; `expired` means past expiresAt. */
export function tokenStatus(
  token: TokenTimes | undefined,
  now: number,
  overrideMs?: number,
  capMs?: number,
): TokenStatus {
  if (!token) return 'none';
  if (token.expiresAt === undefined) return 'valid';
  if (now >= token.expiresAt) return 'expired';
  const planned = plannedRefreshAt(token, overrideMs, capMs);
  return planned !== undefined && now >= planned ? 'expiring' : 'valid';
}

/**
 * Delay before retry number `failures` (1-based): 30 s doubling to 30 min, with ±20 % jitter so
 * that many profiles failing together (network down) do not retry in lockstep.
 */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 16));
  const base = Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_MAX_MS);
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(Math.max(jittered, BACKOFF_BASE_MS), BACKOFF_MAX_MS));
}

/** When to try again after a failure: undefined for failures only the user can fix. */
export function retryAtAfterFailure(
  now: number,
  failures: number,
  error: { retryable: boolean; retryAfterMs?: number },
  random?: () => number,
): number | undefined {
  if (!error.retryable) return undefined;
  return now + Math.max(backoffDelay(failures, random), error.retryAfterMs ?? 0);
}

/** A fixed schedule may not refresh more often than this: providers disable abusive clients. */
export const MIN_CRON_INTERVAL_MS = 5 * MINUTE;

/** Checks a user-entered cron expression (5 fields, or 6 with seconds); undefined when usable. */
export function cronProblem(expression: string, now: number): 'cron_invalid' | 'cron_too_often' | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return 'cron_invalid';
  const runs = nextCronRuns(expression, now, 6);
  if (runs === 'not-loaded') throw new Error('cron-parser is not loaded: await loadCronParser() first');
  if (!runs) return 'cron_invalid';
  for (let i = 1; i < runs.length; i++) {
    if ((runs[i] ?? 0) - (runs[i - 1] ?? 0) < MIN_CRON_INTERVAL_MS) return 'cron_too_often';
  }
  return undefined;
}

/**
 * When the engine will next try to refresh on its own, or undefined when it will not (keys
 * unreadable, a failure only the user can fix, or a token of unknown lifetime with no schedule).
 */
export function nextRefreshAt(state: RefreshState, now: number): number | undefined {
  if (state.needsCredentials) return undefined;
  if (state.lastError) return state.lastError.retryable ? (state.retryAt ?? now) : undefined;
  if (!state.token) return now;
  const planned = plannedRefreshAt(state.token, state.refreshMarginMs, state.refreshMarginCapMs);
  const scheduled = state.cron ? nextCronAt(state.cron, state.token.obtainedAt) : undefined;
  const next = planned === undefined ? scheduled : scheduled === undefined ? planned : Math.min(planned, scheduled);
  // A server that keeps answering with a token already inside the window must not cause a loop.
  return next === undefined ? undefined : Math.max(next, state.token.obtainedAt + MIN_REFRESH_INTERVAL_MS);
}

/** Whether checkDue() should start a refresh now. */
export function isDue(state: RefreshState, now: number): boolean {
  const at = nextRefreshAt(state, now);
  return at !== undefined && now >= at;
}
