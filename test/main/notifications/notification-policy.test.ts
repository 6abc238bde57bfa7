import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../main/contract/i18n.ts';
import type { ProfileView } from '../../../main/core/index.ts';
import { decideNotices, type Notice } from '../../../main/notifications/notification-policy.ts';
import { createNotifier, noticeText } from '../../../main/notifications/notifier.ts';
import { DAY, failure, HOUR, MIN, NOW, view } from '../../support/views.ts';

const ALL = { refreshFailed: true, expired: true, expiringSoon: true, recovered: true };

/** Feeds a sequence of view states through the policy, as the shell does on every change. */
function run(steps: { views: ProfileView[]; at?: number }[], enabled = ALL): Notice['kind'][][] {
  let memory: ReadonlySet<string> = new Set();
  return steps.map(({ views, at = NOW }) => {
    const result = decideNotices(views, memory, at, enabled);
    memory = result.memory;
    return result.notices.map((n) => n.kind);
  });
}

const network = (failures: number, extra: Partial<ProfileView> = {}) =>
  view({ error: failure('network_error', true), consecutiveFailures: failures, status: 'expiring', ...extra });

describe('notification policy', () => {
  it('says nothing while tokens are healthy', () => {
    expect(run([{ views: [view()] }, { views: [view({ status: 'expiring' })] }])).toEqual([[], []]);
  });

  it('reports a failure only the user can fix at once, and only once', () => {
    const rejected = view({ error: failure('invalid_credentials', false), consecutiveFailures: 1 });
    expect(
      run([{ views: [rejected] }, { views: [rejected] }, { views: [{ ...rejected, consecutiveFailures: 2 }] }]),
    ).toEqual([['refreshFailed'], [], []]);
  });

  it('waits for three retryable failures in a row before saying anything', () => {
    expect(
      run([{ views: [network(1)] }, { views: [network(2)] }, { views: [network(3)] }, { views: [network(4)] }]),
    ).toEqual([[], [], ['refreshFailed'], []]);
  });

  it('reports the first retryable failure when the token runs out within the hour', () => {
    expect(run([{ views: [network(1, { expiresAt: NOW + 50 * MIN })] }])[0]).toContain('refreshFailed');
  });

  it('tells of recovery only after a failure it reported', () => {
    expect(run([{ views: [network(1)] }, { views: [view()] }])).toEqual([[], []]);
    expect(run([{ views: [network(3)] }, { views: [network(4)] }, { views: [view()] }, { views: [view()] }])).toEqual([
      ['refreshFailed'],
      [],
      ['recovered'],
      [],
    ]);
  });

  it('tells of recovery when new keys work, after the edit cleared the old failure', () => {
    const rejected = view({ error: failure('invalid_credentials', false), consecutiveFailures: 1 });
    const edited = view({ status: 'none', expiresAt: undefined, refreshedAt: undefined, refreshing: false });
    const fetching = { ...edited, refreshing: true };
    expect(run([{ views: [rejected] }, { views: [edited] }, { views: [fetching] }, { views: [view()] }])).toEqual([
      ['refreshFailed'],
      [],
      [],
      ['recovered'],
    ]);
  });

  it('reports a new kind of failure as a new condition', () => {
    const rejected = view({ error: failure('invalid_credentials', false), consecutiveFailures: 4, status: 'expiring' });
    expect(run([{ views: [network(3)] }, { views: [rejected] }])).toEqual([['refreshFailed'], ['refreshFailed']]);
  });

  it('says a token expired once per token', () => {
    const expired = view({ status: 'expired', expiresAt: NOW - MIN });
    const renewedThenExpired = view({ status: 'expired', expiresAt: NOW + DAY });
    expect(
      run([{ views: [expired] }, { views: [expired] }, { views: [renewedThenExpired], at: NOW + 2 * DAY }]),
    ).toEqual([['expired'], [], ['expired']]);
  });

  it('warns of expiry within a day when automatic refresh is not succeeding', () => {
    const expiresAt = NOW + 3 * DAY;
    const failing = network(1, { expiresAt, refreshedAt: expiresAt - 30 * DAY });
    const at = (left: number) => ({ views: [failing], at: expiresAt - left });
    expect(run([at(2 * DAY), at(23 * HOUR), at(22 * HOUR)])).toEqual([[], ['expiringSoon'], []]);
  });

  it('scales the expiry warning down for two-hour tokens, after the urgent failure notice', () => {
    const expiresAt = NOW + 2 * HOUR;
    const failing = network(1, { expiresAt, refreshedAt: NOW });
    const at = (left: number) => ({ views: [failing], at: expiresAt - left });
    expect(run([at(70 * MIN), at(10 * MIN), at(5 * MIN)])).toEqual([[], ['refreshFailed'], ['expiringSoon']]);
  });

  it('stays quiet about kinds the user turned off, without repeating them when turned back on', () => {
    const rejected = view({ error: failure('not_permitted', false) });
    expect(run([{ views: [rejected] }], { ...ALL, refreshFailed: false })).toEqual([[]]);
  });

  it('keeps each profile to itself', () => {
    const a = network(3, { id: 'a' });
    const b = network(3, { id: 'b', name: 'Other' });
    expect(run([{ views: [a] }, { views: [a, b] }])).toEqual([['refreshFailed'], ['refreshFailed']]);
  });
});

describe('notification text and clicks', () => {
  const en = createTranslator('en');
  const zh = createTranslator('zh-CN');

  it('names the profile and gives the remedy, in both languages, without secrets', () => {
    const notice: Notice = {
      kind: 'refreshFailed',
      profileId: 'p1',
      profileName: 'ERNIE dev',
      error: failure('not_permitted', false),
    };
    expect(noticeText(notice, NOW, en)).toEqual({
      title: 'ERNIE dev: refresh failed',
      body: "The keys are valid but not allowed to get a token. Enable the service for this application in the provider's console and check its permissions or IP whitelist.",
    });
    expect(noticeText(notice, NOW, zh).title).toBe('ERNIE dev：刷新失败');
    const expiring = noticeText(
      {
        kind: 'expiringSoon',
        profileId: 'p1',
        profileName: 'X',
        expiresAt: NOW + 5 * HOUR,
        error: failure('timeout', true),
      },
      NOW,
      en,
    );
    expect(expiring).toEqual({
      title: 'X: token expires in 5h',
      body: 'Automatic refresh is not working: The token server did not answer in time.',
    });
  });

  it('opens the window on the profile when a notification is clicked', () => {
    const opened: string[] = [];
    const shown: { title?: string; handlers: Record<string, () => void> }[] = [];
    const notifier = createNotifier({
      isSupported: () => true,
      onClick: (id) => opened.push(id),
      create: (options) => {
        const record = { title: options.title, handlers: {} as Record<string, () => void> };
        shown.push(record);
        return { on: (event, handler) => (record.handlers[event] = handler), show: () => undefined };
      },
    });
    notifier.notify({ kind: 'expired', profileId: 'p7', profileName: 'Prod' }, NOW, en);
    expect(shown[0]?.title).toBe('Prod: token expired');
    shown[0]?.handlers.click?.();
    expect(opened).toEqual(['p7']);
  });

  it('shows nothing where the system has no notifications', () => {
    const created: unknown[] = [];
    const notifier = createNotifier({
      isSupported: () => false,
      onClick: () => undefined,
      create: (o) => {
        created.push(o);
        return { on: () => undefined, show: () => undefined };
      },
    });
    notifier.notify({ kind: 'expired', profileId: 'p', profileName: 'x' }, NOW, en);
    expect(created).toEqual([]);
  });
});
