import * as z from 'zod/mini';
import type { OptionSpec, ProviderCatalogueEntry } from '../../contract/catalogue.ts';

/** The check for one option, from its catalogue spec: the spec is the only description of it. */
function optionSchema(spec: OptionSpec): z.ZodMiniType {
  switch (spec.kind) {
    case 'choice':
      return z.optional(z.enum(spec.choices as [string, ...string[]]));
    case 'integer':
      return z.optional(z.int().check(z.gte(spec.min), z.lte(spec.max)));
    case 'text':
      return z.optional(z.string().check(z.trim(), z.maxLength(spec.maxLength)));
  }
}

const cache = new WeakMap<ProviderCatalogueEntry, z.ZodMiniType<Record<string, unknown>>>();

/**
 * Checks a profile's options against its provider's catalogue entry: known names only, valid
 * values. What the user left out stays out (stored as entered); defaults apply when used.
 */
export function optionsSchemaOf(entry: ProviderCatalogueEntry): z.ZodMiniType<Record<string, unknown>> {
  let schema = cache.get(entry);
  if (!schema) {
    schema = z.strictObject(Object.fromEntries(entry.options.map((spec) => [spec.name, optionSchema(spec)])));
    cache.set(entry, schema);
  }
  return schema;
}

/**
 * The options with every default of the entry filled in: what a token request is built from (the
 * gateway's own options are not: they change nothing about the token).
 */
export function withDefaults(entry: ProviderCatalogueEntry, options: Readonly<Record<string, unknown>>) {
  const filled: Record<string, unknown> = {};
  for (const spec of entry.options) {
    if (spec.gatewayOnly) continue;
    const value = options[spec.name] ?? ('default' in spec ? spec.default : undefined);
    if (value !== undefined) filled[spec.name] = value;
  }
  return filled;
}
