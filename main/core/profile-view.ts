import type { StoredProfile } from './profile-store.ts';
import { PROVIDERS } from './providers/index.ts';
import { nextRefreshAt, tokenStatus } from './refresh-policy.ts';
import type { ProfileView } from './types.ts';

/** The public face of a stored profile: plain metadata only, so it never needs to decrypt. */
export function toView(
  record: StoredProfile & { refreshMarginCapMs?: number },
  now: number,
  refreshing: boolean,
): ProfileView {
  const view: ProfileView = {
    id: record.id,
    name: record.name,
    provider: record.provider,
    options: { ...record.options },
    apiKeyHint: record.apiKeyHint,
    usage: placement(record),
    status: tokenStatus(record.token, now, record.refreshMarginMs, record.refreshMarginCapMs),
    refreshing,
    needsCredentials: record.needsCredentials,
    consecutiveFailures: record.consecutiveFailures,
  };
  if (record.tokenUrl !== undefined) view.tokenUrl = record.tokenUrl;
  if (record.token?.expiresAt !== undefined) view.expiresAt = record.token.expiresAt;
  if (record.token) view.refreshedAt = record.token.obtainedAt;
  const next = nextRefreshAt(record, now);
  if (next !== undefined) view.nextRefreshAt = next;
  if (record.refreshMarginMs !== undefined) view.refreshMarginMs = record.refreshMarginMs;
  if (record.cron !== undefined) view.cron = record.cron;
  if (record.lastError) view.error = { ...record.lastError };
  return view;
}

/** The provider's usage, reduced to what the window and tray need to offer the right copy formats. */
function placement(record: StoredProfile): ProfileView['usage'] {
  const usage = PROVIDERS[record.provider].usage(record);
  if (usage.style === 'query') return { style: 'query', name: usage.queryName ?? 'access_token' };
  if (usage.style === 'header' && usage.headerName) return { style: 'header', name: usage.headerName };
  return { style: 'bearer', name: 'Authorization' };
}
