import en from '../../assets/locales/en.json' with { type: 'json' };
import zh from '../../assets/locales/zh-CN.json' with { type: 'json' };
import type { ErrorMessageKey } from './views.ts';
import type { Language, Locale } from './vocabulary.ts';

/**
 * Words for codes, in the user's language: the one place main (tray, notifications, CLI) and the
 * window turn a catalog key or an engine error into text. Keys are typed from the English catalog,
 * so a missing or misspelt key fails the type check.
 */

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every text of the catalogs, by its dotted path (`tray.copy_raw`, `errors.timeout.remedy`...). */
export type MessageKey = Leaves<typeof en>;

const CATALOGS: Record<Locale, unknown> = { en, 'zh-CN': zh };

/** The user's choice, or the first system language we speak (any Chinese → zh-CN). */
export function resolveLocale(language: Language, systemLanguages: readonly string[]): Locale {
  if (language !== 'system') return language;
  for (const tag of systemLanguages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function lookup(catalog: unknown, key: string): string | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Params = Readonly<Record<string, string | number>>;

export interface Translator {
  locale: Locale;
  /** Catalog text with `{name}` placeholders filled; falls back to English, then to the key. */
  t(key: MessageKey, params?: Params): string;
  /**
   * A provider's own text (`providers.<id>.name`, `.options.<option>.label`...): keys made from the
   * catalogue's data, which a test checks exist in both languages for every provider.
   */
  provider(id: string, path: string, params?: Params): string;
  /** A countdown, coarse when long: "29d 4h", "3h 20m", "11 min, 20 sec". */
  duration(ms: number): string;
  /** An absolute local date and time. */
  dateTime(ms: number): string;
}

/** A value made on first use: Intl formatters cost ~10 ms to make (ICU data), a start-up may need none. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** A command-line program's language: `zh_CN.UTF-8`, `zh_TW`… give Chinese; LC_ALL wins over LC_MESSAGES over LANG, as in gettext. */
export function environmentLocale(env: Readonly<Record<string, string | undefined>>): Locale {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return resolveLocale('system', [tag.replace('_', '-')]);
}

export function createTranslator(locale: Locale): Translator {
  const style = locale === 'en' ? 'narrow' : 'short';
  const durationFormat = lazy(() => new Intl.DurationFormat(locale, { style }));
  // Intl leaves out zero units; a countdown at zero must still say "0s".
  const secondsFormat = lazy(() => new Intl.DurationFormat(locale, { style, secondsDisplay: 'always' }));
  const dateTimeFormat = lazy(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }));
  const durations = new Map<string, string>();
  const text = (key: string, params: Params = {}) =>
    (lookup(CATALOGS[locale], key) ?? lookup(en, key) ?? key).replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  return {
    locale,
    t: text,
    provider: (id, path, params) => text(`providers.${id}.${path}`, params),
    duration(ms) {
      const total = Math.max(0, ms);
      const days = Math.floor(total / DAY);
      const hours = Math.floor((total % DAY) / HOUR);
      const minutes = Math.floor((total % HOUR) / MINUTE);
      const seconds = Math.floor((total % MINUTE) / 1000);
      // Two units at most, so the same few texts recur on every card and every tick: formatting
      // one costs ~40 µs (Intl.DurationFormat), looking it up nothing.
      const key = days > 0 ? `d${days},${hours}` : hours > 0 ? `h${hours},${minutes}` : `m${minutes},${seconds}`;
      let formatted = durations.get(key);
      if (formatted === undefined) {
        if (days > 0) formatted = durationFormat().format({ days, hours });
        else if (hours > 0) formatted = durationFormat().format({ hours, minutes });
        else if (minutes > 0) formatted = durationFormat().format({ minutes, seconds });
        else formatted = secondsFormat().format({ seconds });
        if (durations.size >= 5000) durations.clear();
        durations.set(key, formatted);
      }
      return formatted;
    },
    dateTime: (ms) => dateTimeFormat().format(ms),
  };
}

/** An engine failure as words: a few for the tray, a sentence, and what to do about it. */
export interface ErrorWords {
  short: string;
  message: string;
  remedy: string;
}

/**
 * The one way from an engine error to words, with its parameters filled (the IP WeChat refused),
 * used by the tray, notifications, the window and the CLI alike.
 */
export function describeError(
  error: { messageKey: ErrorMessageKey; messageParams?: Readonly<Record<string, string>> | undefined },
  tr: Translator,
): ErrorWords {
  const key = error.messageKey;
  const params = error.messageParams ?? {};
  return {
    short: tr.t(`errors.${key}.short`, params),
    message: tr.t(`errors.${key}.message`, params),
    remedy: tr.t(`errors.${key}.remedy`, params),
  };
}
