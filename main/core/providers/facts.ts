import { keyDestination, resolveEntry } from '../../contract/catalogue.ts';
import { PROVIDERS, type ProviderId } from './index.ts';
import { withDefaults } from './options.ts';

type Facts = ReturnType<typeof resolveEntry>;

/** Facts per options object: a profile's are read for every view, its options rarely change. */
const cache = new WeakMap<object, { provider: ProviderId; facts: Facts }>();

/** A provider's facts for one profile's options, from its catalogue entry. */
export function providerFacts(provider: ProviderId, options: Readonly<Record<string, unknown>>): Facts {
  const cached = cache.get(options);
  if (cached?.provider === provider) return cached.facts;
  const facts = resolveEntry(PROVIDERS[provider].catalogue, options);
  cache.set(options, { provider, facts });
  return facts;
}

/** The options a request is built from: the profile's, with the entry's defaults for the rest. */
export function effectiveOptions(provider: ProviderId, options: Readonly<Record<string, unknown>>) {
  return withDefaults(PROVIDERS[provider].catalogue, options);
}

/** Where a profile's keys are sent: its own token URL, or the provider's default for its options. */
export function tokenEndpoint(profile: {
  provider: ProviderId;
  tokenUrl?: string | undefined;
  options: Readonly<Record<string, unknown>>;
}): string {
  return keyDestination({ ...profile, entry: PROVIDERS[profile.provider].catalogue });
}
