import { describeError, type MessageKey, type Translator } from '../contract/i18n.ts';
import type { ApiErrorBody, ProfileSummary } from '../contract/local-api.ts';
import type { ErrorMessageKey } from '../contract/views.ts';

/** Columns a terminal gives a character: two for CJK and full-width forms, one otherwise. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/** Rows as aligned columns, two spaces apart; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - displayWidth(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A profile's state in a word or two, in the user's language. */
export function stateWords(profile: ProfileSummary, tr: Translator): string {
  if (profile.needs_keys) return tr.t('cli.state_needs_keys');
  if (profile.refreshing) return tr.t('cli.state_refreshing');
  if (profile.error && profile.status !== 'valid') {
    return tr.t('cli.state_failing', { short: errorWords(profile.error, tr).short });
  }
  return tr.t(`cli.state_${profile.status}`);
}

/** An API error in the user's language, from its catalog key; the English message otherwise. */
export function errorWords(error: ApiErrorBody, tr: Translator): { short: string; message: string; remedy: string } {
  const key = error.message_key ?? '';
  if (key.startsWith('errors.')) {
    const messageKey = key.slice('errors.'.length) as ErrorMessageKey;
    return describeError({ messageKey, messageParams: error.message_params }, tr);
  }
  const message = key.startsWith('api.') ? tr.t(key as MessageKey) : error.message;
  return { short: error.error, message, remedy: error.remedy ?? '' };
}

/** Time from now until an ISO instant, as the window words it; a dash when unknown. */
export function until(iso: string | null, now: number, tr: Translator): string {
  if (iso === null) return tr.t('cli.unknown');
  return tr.duration(Date.parse(iso) - now);
}
