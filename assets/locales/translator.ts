import en from './en.json' with { type: 'json' };
import zh from './zh-CN.json' with { type: 'json' };
/** Shared by main (tray, notifications) and renderer (window): catalogs and their lookup are one unit. */
export type Locale = 'zh-CN' | 'en';
export type Language = 'system' | Locale;

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

export interface Translator {
  locale: Locale;
  /** Catalog text with `{name}` placeholders filled; falls back to English, then to the key. */
  t(key: string, params?: Record<string, string | number>): string;
  /** A countdown, coarse when long: "29d 4h", "3h 20m", "11 min, 20 sec". */
  duration(ms: number): string;
  /** An absolute local date and time. */
  dateTime(ms: number): string;
}

export function createTranslator(locale: Locale): Translator {
  const style = locale === 'en' ? 'narrow' : 'short';
  const durationFormat = new Intl.DurationFormat(locale, { style });
  // Intl leaves out zero units; a countdown at zero must still say "0s".
  const secondsFormat = new Intl.DurationFormat(locale, { style, secondsDisplay: 'always' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    locale,
    t(key, params = {}) {
      const text = lookup(CATALOGS[locale], key) ?? lookup(en, key) ?? key;
      return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
    },
    duration(ms) {
      const total = Math.max(0, ms);
      const days = Math.floor(total / DAY);
      const hours = Math.floor((total % DAY) / HOUR);
      const minutes = Math.floor((total % HOUR) / MINUTE);
      const seconds = Math.floor((total % MINUTE) / 1000);
      if (days > 0) return durationFormat.format({ days, hours });
      if (hours > 0) return durationFormat.format({ hours, minutes });
      if (minutes > 0) return durationFormat.format({ minutes, seconds });
      return secondsFormat.format({ seconds });
    },
    dateTime: (ms) => dateTimeFormat.format(ms),
  };
}
