import type { ErrorCode, ErrorMessageKey, ProfileView } from '../../main/core/index.ts';

export const NOW = Date.UTC(2026, 10, 30, 1, 0, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** A profile view as the engine would produce it; by default a fresh 30-day Baidu token. */
export function view(overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    id: 'p1',
    name: 'ERNIE dev',
    provider: 'baidu',
    options: {},
    apiKeyHint: 'Xy7k…6cJd',
    usage: { style: 'query', name: 'access_token' },
    status: 'valid',
    refreshing: false,
    needsCredentials: false,
    consecutiveFailures: 0,
    refreshedAt: NOW - DAY,
    expiresAt: NOW + 29 * DAY + 4 * HOUR,
    nextRefreshAt: NOW + 26 * DAY,
    ...overrides,
  };
}

export function failure(code: ErrorCode, retryable: boolean, messageKey: ErrorMessageKey = code) {
  return { code, messageKey, retryable, at: NOW };
}
