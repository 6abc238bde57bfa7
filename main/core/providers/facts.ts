import { resolveEntry } from '../../contract/catalogue.ts';
import { PROVIDERS, type ProviderId } from './index.ts';
import { withDefaults } from './options.ts';

/** A provider's facts for one profile's options, from its catalogue entry. */
export function providerFacts(provider: ProviderId, options: Readonly<Record<string, unknown>>) {
  return resolveEntry(PROVIDERS[provider].catalogue, options);
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
  return profile.tokenUrl ?? providerFacts(profile.provider, profile.options).defaultTokenUrl ?? '';
}
