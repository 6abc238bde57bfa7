import { impurePath } from '../contract/plain-data.ts';
import { ProfileInputError } from './errors.ts';
import { parseApiOrigins } from './gateway-origins.ts';
import { providerFacts, tokenEndpoint } from './providers/facts.ts';
import { GATEWAY_ORIGINS_OPTION, isProviderId, PROVIDERS } from './providers/index.ts';
import { optionsSchemaOf } from './providers/options.ts';
import { cronProblem, MAX_MARGIN_OVERRIDE_MS } from './refresh-policy.ts';
import { cleanTokenUrl } from './token-url.ts';
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
  shared?: boolean;
  /** `direct` or a proxy URL without its password. */
  proxy?: string;
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
  const spacesAllowed = PROVIDERS[provider].catalogue.keysMayContainSpaces;
  if (spacesAllowed ? /[^\S ]/u.test(key) : /\s/u.test(key)) throw new ProfileInputError(field, 'key_spaces');
  return key;
}

/** Proxy URL schemes the engine can route through (HTTP CONNECT or SOCKS). */
export const PROXY_PROTOCOLS = ['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'] as const;

/**
 * A profile's proxy as typed: `system` or nothing (follow the system), `direct`, or a proxy URL
 * whose password is split off to be sealed. Anything else names the field.
 */
export function cleanProxy(value: unknown): { proxy?: string; password?: string } {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || text.toLowerCase() === 'system') return {};
  if (text.toLowerCase() === 'direct') return { proxy: 'direct' };
  const url = URL.canParse(text) ? new URL(text) : undefined;
  const protocols: readonly string[] = PROXY_PROTOCOLS;
  if (!url || !protocols.includes(url.protocol) || url.hostname === '' || /[\p{Cc}\s]/u.test(text)) {
    throw new ProfileInputError('proxy', 'proxy_invalid');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new ProfileInputError('proxy', 'proxy_invalid');
  }
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  url.password = '';
  const proxy = `${url.protocol}//${url.username === '' ? '' : `${url.username}@`}${url.host}`;
  return password === undefined ? { proxy } : { proxy, password };
}

/** The proxy URL to connect with: the stored one and its password, put back together. */
export function proxyWithPassword(proxy: string, password: string | undefined): string {
  if (proxy === 'direct' || password === undefined) return proxy;
  const url = new URL(proxy);
  url.password = encodeURIComponent(password);
  return `${url.protocol}//${url.username}:${url.password}@${url.host}`;
}

/** Characters a name must not hold: controls, line breaks, and bidi overrides that disguise it. */
const NAME_FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

/** Enough of an API key to recognise it, never enough to use it. */
export function apiKeyHint(apiKey: string): string {
  if (apiKey.length >= 16) return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
  if (apiKey.length >= 8) return `…${apiKey.slice(-3)}`;
  return '…';
}

/** Validates everything about a profile except its keys; throws ProfileInputError. */
export function cleanSettings(
  input: Omit<ProfileInput, 'apiKey' | 'secretKey' | 'refreshMarginMs'> & { refreshMarginMs?: number | undefined },
  now: number,
): CleanProfileSettings {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') throw new ProfileInputError('name', 'name_required');
  if (name.length > MAX_NAME_LENGTH) throw new ProfileInputError('name', 'name_too_long');
  if (NAME_FORBIDDEN.test(name)) throw new ProfileInputError('name', 'name_invalid_chars');
  if (!isProviderId(input.provider)) throw new ProfileInputError('provider', 'provider_unknown');
  const provider = input.provider;

  // Options are stored as the user entered them; the catalogue's defaults apply when used.
  const options = optionsSchemaOf(PROVIDERS[provider].catalogue).safeParse(input.options ?? {});
  if (!options.success) throw new ProfileInputError('options', 'options_invalid');
  const settings: CleanProfileSettings = { name, provider, options: options.data };
  const origins = options.data[GATEWAY_ORIGINS_OPTION.name];
  if (typeof origins === 'string' && origins.trim() !== '' && parseApiOrigins(origins) === undefined) {
    throw new ProfileInputError('options', 'api_origins_invalid');
  }

  const tokenUrl = cleanTokenUrl(input.tokenUrl);
  if (tokenUrl !== undefined) settings.tokenUrl = tokenUrl;
  else if (tokenEndpoint(settings) === '') throw new ProfileInputError('tokenUrl', 'token_url_required');

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
  const proxy = cleanProxy(input.proxy).proxy;
  if (proxy !== undefined) settings.proxy = proxy;
  if (input.shared === true) {
    // Members would take turns revoking each other's token (WeChat's classic endpoint).
    if (providerFacts(provider, settings.options).revokesOthers) {
      throw new ProfileInputError('options', 'team_revokes_others');
    }
    settings.shared = true;
  }
  return settings;
}

/** Refuses input that is not plain data (see impurePath), naming the field it came in. */
export function assertPlainData(value: unknown, field: string): void {
  const path = impurePath(value);
  if (path !== undefined) throw new ProfileInputError(path || field, 'not_plain_data');
}
