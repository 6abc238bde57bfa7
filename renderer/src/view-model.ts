import type { Translator } from '../../assets/locales/translator.ts';
import type { ProfileView } from '../../main/ipc-contract.ts';

export type Badge = 'valid' | 'expiring' | 'expired' | 'refreshing' | 'failed' | 'none';

/** The one-word state of a profile; text and shape carry it, colour only repeats it. */
export function badgeOf(view: ProfileView): Badge {
  if (view.refreshing) return 'refreshing';
  if (view.error || view.needsCredentials) return 'failed';
  return view.status;
}

/** The glyph beside the badge text, so state never depends on colour alone. */
export const BADGE_GLYPH: Record<Badge, string> = {
  valid: '✓',
  expiring: '◔',
  expired: '✕',
  refreshing: '↻',
  failed: '!',
  none: '–',
};

/** Countdown text: "29d 4h", or "11m 20s" when short, or how long ago it expired. */
export function countdownText(expiresAt: number | undefined, now: number, tr: Translator): string {
  if (expiresAt === undefined) return tr.t('ui.unknown_lifetime_short');
  const left = expiresAt - now;
  return left > 0 ? tr.duration(left) : tr.t('ui.expired_ago', { ago: tr.duration(-left) });
}

/** What went wrong and what to do about it, from the error's catalog key. */
export function problemOf(view: ProfileView, tr: Translator): { message: string; remedy: string } | undefined {
  const error = view.error;
  if (!error) return undefined;
  const key = error.messageKey;
  let message = tr.t(`errors.${key}.message`, error.messageParams);
  if (error.providerCode) message += ` (${error.providerCode}${error.httpStatus ? `, HTTP ${error.httpStatus}` : ''})`;
  return { message, remedy: tr.t(`errors.${key}.remedy`, error.messageParams) };
}

/** The names a provider's own console uses for its key pair. */
export function keyNames(
  provider: string,
  tr: Translator,
): { apiKey: string; secretKey: string; hint: string; name: string } {
  return {
    name: tr.t(`providers.${provider}.name`),
    apiKey: tr.t(`providers.${provider}.apiKey`),
    secretKey: tr.t(`providers.${provider}.secretKey`),
    hint: tr.t(`providers.${provider}.hint`),
  };
}
