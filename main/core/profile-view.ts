import type { StoredProfile } from './profile-store.ts';
import { providerFacts } from './providers/facts.ts';
import { nextRefreshAt, type RefreshState, tokenStatus } from './refresh-policy.ts';
import type { ProfileView } from './types.ts';

/**
 * The profile as the refresh policy sees it: its own margin, else the user's default, capped by
 * the provider's window (refreshing earlier would only return the same token). Computed, never
 * stored: the record keeps what the user entered.
 */
export function refreshStateOf(record: StoredProfile, defaultMarginMs: number | undefined): RefreshState {
  const margin = record.refreshMarginMs ?? defaultMarginMs;
  const cap = providerFacts(record.provider, record.options).refreshWindowMs;
  return {
    ...record,
    ...(margin === undefined ? {} : { refreshMarginMs: margin }),
    ...(cap === null ? {} : { refreshMarginCapMs: cap }),
  };
}

/** The public face of a stored profile: plain metadata only, so it never needs to decrypt. */
export function toView(record: StoredProfile, state: RefreshState, now: number, refreshing: boolean): ProfileView {
  const view: ProfileView = {
    id: record.id,
    name: record.name,
    provider: record.provider,
    options: { ...record.options },
    apiKeyHint: record.apiKeyHint,
    usage: providerFacts(record.provider, record.options).usage,
    status: tokenStatus(record.token, now, state.refreshMarginMs, state.refreshMarginCapMs),
    refreshing,
    needsCredentials: record.needsCredentials,
    consecutiveFailures: record.consecutiveFailures,
  };
  if (record.tokenUrl !== undefined) view.tokenUrl = record.tokenUrl;
  if (record.token?.expiresAt !== undefined) view.expiresAt = record.token.expiresAt;
  if (record.token) view.refreshedAt = record.token.obtainedAt;
  const next = nextRefreshAt(state, now);
  if (next !== undefined) view.nextRefreshAt = next;
  if (record.refreshMarginMs !== undefined) view.refreshMarginMs = record.refreshMarginMs;
  if (record.cron !== undefined) view.cron = record.cron;
  if (record.lastError) view.error = { ...record.lastError };
  if (record.shared) view.shared = true;
  if (record.shared && record.team) view.team = { ...record.team };
  if (record.proxy !== undefined) view.proxy = record.proxy;
  return view;
}
