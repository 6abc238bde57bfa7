import type { Settings } from '../contract/settings.ts';
import type { NoticeKind } from '../contract/vocabulary.ts';
import type { ProfileView } from '../core/index.ts';

export interface Notice {
  kind: NoticeKind;
  profileId: string;
  profileName: string;
  error?: ProfileView['error'];
  expiresAt?: number;
}

/** Retryable failures are only worth a notification after this many in a row... */
export const FAILURES_BEFORE_NOTICE = 3;
/** ...or when the token in hand runs out within this long. */
export const URGENT_WITHIN_MS = 60 * 60_000;
/** "Expiring soon" fires this long before expiry, at most (shorter for short-lived tokens). */
export const EXPIRING_NOTICE_MS = 24 * 60 * 60_000;

/** The notices already given, by condition, so none is said twice. */
export type NoticeMemory = ReadonlySet<string>;

function failureWorthSaying(view: ProfileView, now: number): boolean {
  const error = view.error;
  if (!error) return false;
  if (!error.retryable) return true;
  if (view.consecutiveFailures >= FAILURES_BEFORE_NOTICE) return true;
  return view.expiresAt !== undefined && view.expiresAt - now <= URGENT_WITHIN_MS;
}

/** How close to expiry a failing refresh becomes worth a warning: a day, or 5 % of a short life. */
function expiringThreshold(view: ProfileView): number {
  if (view.expiresAt === undefined || view.refreshedAt === undefined) return URGENT_WITHIN_MS;
  const lifetime = view.expiresAt - view.refreshedAt;
  return Math.min(EXPIRING_NOTICE_MS, Math.max(5 * 60_000, lifetime * 0.05));
}

/**
 * Decides what to tell the user from the latest views: pure, so every rule is table-tested.
 * Returns the notices to show (already filtered by the user's settings) and the new memory.
 */
export function decideNotices(
  views: readonly ProfileView[],
  memory: NoticeMemory,
  now: number,
  enabled: Settings['notifications'],
): { notices: Notice[]; memory: Set<string> } {
  const next = new Set<string>();
  const notices: Notice[] = [];
  const say = (key: string, notice: Notice) => {
    next.add(key);
    if (!memory.has(key) && enabled[notice.kind]) notices.push(notice);
  };

  for (const view of views) {
    const base = { profileId: view.id, profileName: view.name };
    const failedKey = `failed:${view.id}:${view.error?.code}`;
    const hadFailure = [...memory].some((key) => key.startsWith(`failed:${view.id}:`));

    if (view.error && failureWorthSaying(view, now)) {
      say(failedKey, { ...base, kind: 'refreshFailed', error: view.error });
    }
    if (view.status === 'expired' && view.expiresAt !== undefined) {
      say(`expired:${view.id}:${view.expiresAt}`, { ...base, kind: 'expired', expiresAt: view.expiresAt });
    } else if (
      view.status === 'expiring' &&
      view.expiresAt !== undefined &&
      (view.error || view.needsCredentials) &&
      view.expiresAt - now <= expiringThreshold(view)
    ) {
      say(`expiring:${view.id}:${view.expiresAt}`, {
        ...base,
        kind: 'expiringSoon',
        expiresAt: view.expiresAt,
        ...(view.error ? { error: view.error } : {}),
      });
    }
    if (!view.error && hadFailure && view.status === 'valid') {
      const notice: Notice = { ...base, kind: 'recovered' };
      if (view.expiresAt !== undefined) notice.expiresAt = view.expiresAt;
      if (enabled.recovered) notices.push(notice);
    } else if (hadFailure) {
      // Still failing, or not yet working again (new keys saved, the first fetch still to come):
      // keep remembering the failure already announced, so the next success is reported.
      for (const key of memory) if (key.startsWith(`failed:${view.id}:`)) next.add(key);
    }
  }
  return { notices, memory: next };
}
