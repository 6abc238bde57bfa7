import type * as z from 'zod/mini';
import type { catalogueEntrySchema, optionSpecSchema } from './catalogue-schema.ts';

/**
 * What each provider is, as data: the window renders its forms and cards from these entries, the
 * engine derives its defaults and option checks from them, and the CLI and server list them. Each
 * provider module declares its own entry; nothing else holds provider knowledge. (Types only from
 * the schema, so the window's bundle carries no schema library.)
 */
export type ProviderCatalogueEntry = z.infer<typeof catalogueEntrySchema>;
export type OptionSpec = z.infer<typeof optionSpecSchema>;
export type ByOption<T> = T | { option: string; values: Record<string, T> };

function isByOption<T>(value: ByOption<T>): value is { option: string; values: Record<string, T> } {
  return value !== null && typeof value === 'object' && 'option' in value && 'values' in value;
}

/** The value of one option for a profile: its own, or the entry's default when it sets none. */
export function optionValue(entry: ProviderCatalogueEntry, options: Readonly<Record<string, unknown>>, name: string) {
  const spec = entry.options.find((s) => s.name === name);
  return options[name] ?? (spec && 'default' in spec ? spec.default : undefined);
}

/** A value that may depend on an option, resolved for a profile's options. */
export function resolveByOption<T>(
  entry: ProviderCatalogueEntry,
  value: ByOption<T>,
  options: Readonly<Record<string, unknown>>,
): T {
  if (!isByOption(value)) return value;
  const resolved = value.values[String(optionValue(entry, options, value.option))];
  if (resolved === undefined) throw new Error(`${entry.id}: no value for option ${value.option}`);
  return resolved;
}

/** Every per-profile fact of an entry, resolved for a profile's options. */
export function resolveEntry(entry: ProviderCatalogueEntry, options: Readonly<Record<string, unknown>>) {
  const get = <T>(value: ByOption<T>) => resolveByOption(entry, value, options);
  return {
    defaultTokenUrl: get(entry.defaultTokenUrl),
    usage: get(entry.usage),
    apiOrigins: get(entry.apiOrigins),
    rejection: get(entry.rejection),
    example: get(entry.example),
    forceRefresh: get(entry.forceRefresh),
    refreshWindowMs: get(entry.refreshWindowMs),
    revokesOthers: get(entry.revokesOthers ?? false),
  };
}

/** One way a provider's APIs say a token was refused (catalogue-schema.ts). */
export type Rejection = ReturnType<typeof resolveEntry>['rejection'][number];

/** A profile as far as where its keys go is concerned. */
interface Destination {
  entry: ProviderCatalogueEntry;
  tokenUrl?: string | undefined;
  options: Readonly<Record<string, unknown>>;
}

/** Where a profile's keys are sent: its own token URL, or its provider's default for its options. */
export function keyDestination({ entry, tokenUrl, options }: Destination): string {
  return tokenUrl || resolveEntry(entry, options).defaultTokenUrl || '';
}

/** The scheme, host and port keys go to; the text itself when it is not a URL. */
export function destinationOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : url;
}

/**
 * Whether an edit would send the saved keys somewhere they have not been: another provider, or
 * another scheme, host or port. The engine then asks for both keys again, and so does the form.
 */
export function sendsKeysElsewhere(before: Destination, after: Destination): boolean {
  return (
    before.entry.id !== after.entry.id ||
    destinationOrigin(keyDestination(before)) !== destinationOrigin(keyDestination(after))
  );
}
