import { ProfileInputError } from './errors.ts';
import { isProviderId, PROVIDERS } from './providers/index.ts';
import { cronProblem, MAX_MARGIN_OVERRIDE_MS } from './refresh-policy.ts';
import type { ProfileInput, ProviderId } from './types.ts';

export const MAX_KEY_LENGTH = 1024;
export const MAX_NAME_LENGTH = 100;

/** Profile settings after validation; keys are trimmed but still plain text. */
export interface CleanProfileSettings {
  name: string;
  provider: ProviderId;
  tokenUrl?: string;
  options: Record<string, unknown>;
  refreshMarginMs?: number;
  cron?: string;
}

/**
 * Trims a pasted key and refuses what cannot be a key. Surrounding spaces and newlines are the
 * most common cause of `invalid_client`, so they are removed rather than reported.
 */
export function cleanKey(field: 'apiKey' | 'secretKey', value: unknown): string {
  const key = typeof value === 'string' ? value.trim() : '';
  if (key === '') throw new ProfileInputError(field, 'key_required');
  if (key.length > MAX_KEY_LENGTH) throw new ProfileInputError(field, 'key_too_long');
  if (/[\s\p{Cc}]/u.test(key)) throw new ProfileInputError(field, 'key_control_chars');
  return key;
}

/** Enough of an API key to recognise it, never enough to use it. */
export function apiKeyHint(apiKey: string): string {
  if (apiKey.length >= 16) return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
  if (apiKey.length >= 8) return `…${apiKey.slice(-3)}`;
  return '…';
}

/** Validates everything about a profile except its keys; throws ProfileInputError. */
export function cleanSettings(input: Omit<ProfileInput, 'apiKey' | 'secretKey'>, now: number): CleanProfileSettings {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') throw new ProfileInputError('name', 'name_required');
  if (name.length > MAX_NAME_LENGTH) throw new ProfileInputError('name', 'name_too_long');
  if (!isProviderId(input.provider)) throw new ProfileInputError('provider', 'provider_unknown');
  const provider = PROVIDERS[input.provider];

  const settings: CleanProfileSettings = { name, provider: provider.id, options: {} };
  const options = provider.optionsSchema.safeParse(input.options ?? {});
  if (!options.success) throw new ProfileInputError('options', 'options_invalid');
  settings.options = options.data;

  const tokenUrl = cleanTokenUrl(input.tokenUrl);
  if (tokenUrl !== undefined) settings.tokenUrl = tokenUrl;
  else if (provider.defaultTokenUrl(settings.options) === undefined) {
    throw new ProfileInputError('tokenUrl', 'token_url_required');
  }

  if (input.refreshMarginMs !== undefined) {
    const margin = input.refreshMarginMs;
    if (!Number.isInteger(margin) || margin < 0 || margin > MAX_MARGIN_OVERRIDE_MS) {
      throw new ProfileInputError('refreshMarginMs', 'margin_invalid');
    }
    settings.refreshMarginMs = margin;
  }
  const cron = typeof input.cron === 'string' ? input.cron.trim() : '';
  if (cron !== '') {
    const problem = cronProblem(cron, now);
    if (problem) throw new ProfileInputError('cron', problem);
    settings.cron = cron;
  }
  return settings;
}

/** An http(s) URL with no user info or fragment, or undefined for "use the provider default". */
function cleanTokenUrl(value: unknown): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') throw new ProfileInputError('tokenUrl', 'token_url_invalid');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ProfileInputError('tokenUrl', 'token_url_invalid');
  }
  const plainHttp = url.protocol === 'http:' || url.protocol === 'https:';
  if (!plainHttp || url.username || url.password || url.hash) {
    throw new ProfileInputError('tokenUrl', 'token_url_invalid');
  }
  return url.toString();
}
