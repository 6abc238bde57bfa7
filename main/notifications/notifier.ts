import { describeError, type Translator } from '../contract/i18n.ts';
import type { NotificationConstructorOptions } from '../electron-types.ts';
import type { Notice } from './notification-policy.ts';

export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

export interface NotifierDeps {
  /** `new Notification(options)` in the app. */
  create(options: NotificationConstructorOptions): NotificationLike;
  isSupported(): boolean;
  /** Opens the window on that profile. */
  onClick(profileId: string): void;
}

/** The words of a notice, in the user's language. Only names and catalog text: never a secret. */
export function noticeText(notice: Notice, now: number, tr: Translator): { title: string; body: string } {
  const name = notice.profileName;
  const { message, remedy } = describeError(notice.error ?? { messageKey: 'server_error' }, tr);
  switch (notice.kind) {
    case 'refreshFailed':
      return { title: tr.t('notify.failed_title', { name }), body: `${message} ${remedy}` };
    case 'expired':
      return { title: tr.t('notify.expired_title', { name }), body: tr.t('notify.expired_body') };
    case 'expiringSoon':
      return {
        title: tr.t('notify.expiring_title', { name, remaining: tr.duration((notice.expiresAt ?? now) - now) }),
        body: tr.t('notify.expiring_body', { message }),
      };
    case 'recovered':
      return {
        title: tr.t('notify.recovered_title', { name }),
        body:
          notice.expiresAt === undefined
            ? ''
            : tr.t('notify.recovered_body', { expiry: tr.dateTime(notice.expiresAt) }),
      };
  }
}

/** Shows notifications and routes their clicks; keeps each alive until closed so clicks still arrive. */
export function createNotifier(deps: NotifierDeps) {
  const alive = new Set<NotificationLike>();
  function show(title: string, body: string, profileId?: string): void {
    if (!deps.isSupported()) return;
    const notification = deps.create({ title, body, silent: false });
    alive.add(notification);
    notification.on('click', () => {
      alive.delete(notification);
      if (profileId) deps.onClick(profileId);
    });
    notification.on('close', () => alive.delete(notification));
    notification.show();
  }
  return {
    notify(notice: Notice, now: number, tr: Translator): void {
      const { title, body } = noticeText(notice, now, tr);
      show(title, body, notice.profileId);
    },
    show,
  };
}
