import type { ProviderCatalogueEntry } from '../../main/contract/catalogue.ts';
import { describeError, type Translator } from '../../main/contract/i18n.ts';
import type { ProfileView } from '../../main/contract/views.ts';

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

/** What went wrong and what to do about it, with the provider's own code beside the message. */
export function problemOf(view: ProfileView, tr: Translator): { message: string; remedy: string } | undefined {
  const error = view.error;
  if (!error) return undefined;
  const { message, remedy } = describeError(error, tr);
  if (!error.providerCode) return { message, remedy };
  const status = error.httpStatus ? `, HTTP ${error.httpStatus}` : '';
  return { message: `${message} (${error.providerCode}${status})`, remedy };
}

/** The words for a provider: its name and where to find its keys (locales), its keys' names (catalogue). */
export function providerWords(entry: ProviderCatalogueEntry, tr: Translator) {
  return {
    name: tr.provider(entry.id, 'name'),
    hint: tr.provider(entry.id, 'hint'),
    apiKey: entry.credentials.apiKey,
    secretKey: entry.credentials.secretKey,
  };
}

/** A provider's catalogue entry by id; the catalogue comes from main with the environment. */
export function entryOf(entries: readonly ProviderCatalogueEntry[], id: string): ProviderCatalogueEntry | undefined {
  return entries.find((entry) => entry.id === id);
}
