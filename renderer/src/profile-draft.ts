import { optionValue, type ProviderCatalogueEntry, resolveEntry } from '../../main/contract/catalogue.ts';
import type { ProfileInput, ProfileView } from '../../main/contract/views.ts';

/** What the form holds while the user types: strings, keys never prefilled. */
export interface Draft {
  name: string;
  provider: string;
  apiKey: string;
  secretKey: string;
  tokenUrl: string;
  /** The provider's options as typed or chosen, by the names its catalogue entry gives. */
  options: Record<string, string>;
  marginMinutes: string;
  cron: string;
  /** Shared with the team (team mode). */
  shared: boolean;
  /** '' follows the system; `direct`; or a proxy URL (its saved password is never shown). */
  proxy: string;
}

/** A draft of a saved profile (or of a new one, with the first provider's defaults). */
export function draftFrom(view: ProfileView | undefined, entry: ProviderCatalogueEntry): Draft {
  return {
    name: view?.name ?? '',
    provider: entry.id,
    apiKey: '',
    secretKey: '',
    tokenUrl: view?.tokenUrl ?? '',
    options: optionDraft(entry, view?.provider === entry.id ? view.options : {}),
    marginMinutes: view?.refreshMarginMs === undefined ? '' : String(view.refreshMarginMs / 60_000),
    cron: view?.cron ?? '',
    shared: view?.shared ?? false,
    proxy: view?.proxy ?? '',
  };
}

/** The options as the form shows them: the profile's own, else each choice's default, else empty. */
export function optionDraft(entry: ProviderCatalogueEntry, options: Readonly<Record<string, unknown>>) {
  return Object.fromEntries(
    entry.options.map((spec) => {
      const value = spec.kind === 'choice' ? optionValue(entry, options, spec.name) : options[spec.name];
      return [spec.name, value === undefined ? '' : String(value)];
    }),
  );
}

/** The options the engine receives: only what was set, integers as numbers, text trimmed. */
export function providerOptions(draft: Draft, entry: ProviderCatalogueEntry): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const spec of entry.options) {
    const raw = (draft.options[spec.name] ?? '').trim();
    if (raw === '') continue;
    options[spec.name] = spec.kind === 'integer' ? Number(raw) : raw;
  }
  return options;
}

/** The endpoint used when the token URL is left empty (for the field's hint); empty when there is none. */
export function defaultUrl(draft: Draft, entry: ProviderCatalogueEntry): string {
  return resolveEntry(entry, providerOptions(draft, entry)).defaultTokenUrl ?? '';
}

/** The profile input the engine receives; empty optional fields are left out. */
export function toInput(draft: Draft, entry: ProviderCatalogueEntry): ProfileInput {
  const input: ProfileInput = {
    name: draft.name,
    provider: draft.provider,
    apiKey: draft.apiKey,
    secretKey: draft.secretKey,
    options: providerOptions(draft, entry),
  };
  if (draft.tokenUrl.trim()) input.tokenUrl = draft.tokenUrl.trim();
  if (draft.marginMinutes.trim()) input.refreshMarginMs = Math.round(Number(draft.marginMinutes) * 60_000);
  if (draft.cron.trim()) input.cron = draft.cron.trim();
  if (draft.shared) input.shared = true;
  if (draft.proxy.trim()) input.proxy = draft.proxy.trim();
  return input;
}
