import { beforeAll, describe, expect, it } from 'vitest';
import { loadCronParser } from '../../main/core/cron-schedule.ts';
import {
  backoffDelay,
  cronProblem,
  DAY,
  MINUTE,
  nextRefreshAt,
  plannedRefreshAt,
  refreshMargin,
  retryAtAfterFailure,
  tokenStatus,
} from '../../main/core/refresh-policy.ts';

const HOUR = 60 * MINUTE;

// Schedules are read by cron-parser, which the engine loads on first use.
beforeAll(() => loadCronParser());
const T0 = Date.UTC(2026, 10, 30, 0, 0, 0);

describe('refresh margin', () => {
  it.each([
    ['30-day Baidu token: 10 % = 3 days', 30 * DAY, undefined, 3 * DAY],
    ['2-hour WeChat token: 10 % = 12 min', 2 * HOUR, undefined, 12 * MINUTE],
    ['20-minute token: at least 5 min', 20 * MINUTE, undefined, 5 * MINUTE],
    ['4-minute token: never more than half the lifetime', 4 * MINUTE, undefined, 2 * MINUTE],
    ['user asks for 1 day', 30 * DAY, DAY, DAY],
    ['user asks for 0: refresh at expiry', 30 * DAY, 0, 0],
    ['user asks for more than the lifetime allows', 2 * HOUR, DAY, HOUR],
  ])('%s', (_label, lifetime, override, expected) => {
    expect(refreshMargin(lifetime, override)).toBe(expected);
  });
});

describe('token status', () => {
  const token = { obtainedAt: T0, expiresAt: T0 + 30 * DAY };
  it.each([
    ['no token yet', undefined, T0, 'none'],
    ['fresh', token, T0 + DAY, 'valid'],
    ['one second before the window', token, T0 + 27 * DAY - 1000, 'valid'],
    ['inside the refresh window', token, T0 + 27 * DAY, 'expiring'],
    ['a second before expiry', token, T0 + 30 * DAY - 1000, 'expiring'],
    ['at expiry', token, T0 + 30 * DAY, 'expired'],
    ['lifetime unknown', { obtainedAt: T0 }, T0 + 365 * DAY, 'valid'],
  ] as const)('%s → %s', (_label, t, now, expected) => {
    expect(tokenStatus(t, now)).toBe(expected);
  });

  it('uses the profile margin for the window', () => {
    expect(tokenStatus(token, T0 + 28 * DAY, DAY)).toBe('valid');
    expect(plannedRefreshAt(token, DAY)).toBe(T0 + 29 * DAY);
  });
});

describe('backoff', () => {
  it.each([
    [1, 0.5, 30_000],
    [2, 0.5, 60_000],
    [3, 0.5, 120_000],
    [6, 0.5, 960_000],
    [7, 0.5, 30 * MINUTE],
    [50, 0.5, 30 * MINUTE],
    [2, 0, 48_000],
    [2, 0.999999, 72_000],
    [1, 0, 30_000],
    [7, 0.999999, 30 * MINUTE],
  ])('failure %i with jitter %f waits %i ms', (failures, random, expected) => {
    expect(backoffDelay(failures, () => random)).toBe(expected);
  });

  it('never retries on its own after a failure only the user can fix', () => {
    expect(retryAtAfterFailure(T0, 1, { retryable: false })).toBeUndefined();
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(retryAtAfterFailure(T0, 1, { retryable: true, retryAfterMs: HOUR }, () => 0.5)).toBe(T0 + HOUR);
    expect(retryAtAfterFailure(T0, 1, { retryable: true, retryAfterMs: 1000 }, () => 0.5)).toBe(T0 + 30_000);
  });
});

describe('next refresh', () => {
  const token = { obtainedAt: T0, expiresAt: T0 + 2 * HOUR };
  const base = { needsCredentials: false };
  it.each([
    ['no token yet: now', { ...base }, T0],
    ['valid token: at the start of the window', { ...base, token }, T0 + 108 * MINUTE],
    [
      'retryable failure: at the retry time',
      { ...base, token, lastError: { retryable: true }, retryAt: T0 + MINUTE },
      T0 + MINUTE,
    ],
    ['failure only the user can fix: never', { ...base, token, lastError: { retryable: false } }, undefined],
    ['keys unreadable: never', { ...base, needsCredentials: true }, undefined],
    ['unknown lifetime, no schedule: never', { ...base, token: { obtainedAt: T0 } }, undefined],
    ['a fixed schedule earlier than the window wins', { ...base, token, cron: '0 * * * *' }, T0 + HOUR],
    ['the window wins over a later fixed schedule', { ...base, token, cron: '0 0 * * *' }, T0 + 108 * MINUTE],
    ['a provider window caps the margin', { ...base, token, refreshMarginCapMs: 4 * MINUTE }, T0 + 116 * MINUTE],
    [
      'never sooner than a minute after the last refresh, whatever the server said',
      { ...base, token: { obtainedAt: T0, expiresAt: T0 + 30_000 } },
      T0 + MINUTE,
    ],
  ])('%s', (_label, state, expected) => {
    expect(nextRefreshAt(state, T0)).toBe(expected);
  });
});

describe('fixed refresh schedules', () => {
  it.each([
    ['0 9 * * *', undefined],
    ['0 */6 * * *', undefined],
    ['30 0 9 * * 1-5', undefined],
    ['*/5 * * * *', undefined],
    ['* * * * *', 'cron_too_often'],
    ['*/10 * * * * *', 'cron_too_often'],
    ['0 9 * *', 'cron_invalid'],
    ['61 * * * *', 'cron_invalid'],
    ['every morning', 'cron_invalid'],
  ])('%s → %s', (expression, problem) => {
    expect(cronProblem(expression, T0)).toBe(problem);
  });
});
