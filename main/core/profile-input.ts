import { BlockList, isIP } from 'node:net';
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
 * most common cause of `invalid_client`, so they are removed rather than reported. Invisible
 * format characters (zero-width spaces, direction marks) are refused: they come from copying out
 * of web pages and chat apps, and no provider issues them. Inner spaces are refused too, except
 * where the protocol allows them: OAuth 2.0 client ids and secrets are VSCHAR (%x20-7E, RFC 6749
 * Appendix A), so `peer secret/+=` is a valid client secret.
 */
export function cleanKey(field: 'apiKey' | 'secretKey', value: unknown, provider: ProviderId): string {
  const key = typeof value === 'string' ? value.trim() : '';
  if (key === '') throw new ProfileInputError(field, 'key_required');
  if (key.length > MAX_KEY_LENGTH) throw new ProfileInputError(field, 'key_too_long');
  if (/\p{Cc}/u.test(key)) throw new ProfileInputError(field, 'key_control_chars');
  if (/\p{Cf}/u.test(key)) throw new ProfileInputError(field, 'key_invisible_chars');
  const spacesAllowed = PROVIDERS[provider].keysMayContainSpaces === true;
  if (spacesAllowed ? /[^\S ]/u.test(key) : /\s/u.test(key)) throw new ProfileInputError(field, 'key_spaces');
  return key;
}

/** Characters a name must not hold: controls, line breaks, and bidi overrides that disguise it. */
const NAME_FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a URL's host is this computer: `localhost`, 127.0.0.0/8 or ::1 (IPv4-mapped too). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why keys must not be sent to this URL, or undefined when they may: plain http:// is only for
 * this computer (a local proxy, a test server). Anywhere else the keys would cross the network
 * in the clear.
 */
export function insecureTokenUrl(url: URL): boolean {
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}

/** Enough of an API key to recognise it, never enough to use it. */
export function apiKeyHint(apiKey: string): string {
  if (apiKey.length >= 16) return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
  if (apiKey.length >= 8) return `…${apiKey.slice(-3)}`;
  return '…';
}

/** Where a profile's keys are sent: its own token URL, or the provider's default for its options. */
export function tokenEndpoint(profile: Pick<CleanProfileSettings, 'provider' | 'tokenUrl' | 'options'>): string {
  return profile.tokenUrl ?? PROVIDERS[profile.provider].defaultTokenUrl(profile.options) ?? '';
}

/** The scheme, host and port keys go to; the text itself when it is not a URL. */
export function endpointOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : url;
}

/** Validates everything about a profile except its keys; throws ProfileInputError. */
export function cleanSettings(input: Omit<ProfileInput, 'apiKey' | 'secretKey'>, now: number): CleanProfileSettings {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') throw new ProfileInputError('name', 'name_required');
  if (name.length > MAX_NAME_LENGTH) throw new ProfileInputError('name', 'name_too_long');
  if (NAME_FORBIDDEN.test(name)) throw new ProfileInputError('name', 'name_invalid_chars');
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
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  if (!web || url.username || url.password || url.hash) {
    throw new ProfileInputError('tokenUrl', 'token_url_invalid');
  }
  if (insecureTokenUrl(url)) throw new ProfileInputError('tokenUrl', 'token_url_insecure');
  return url.toString();
}
