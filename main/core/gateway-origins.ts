import { providerFacts } from './providers/facts.ts';
import type { ProviderId } from './providers/index.ts';
import { GATEWAY_ORIGINS_OPTION } from './providers/index.ts';
import { insecureTokenUrl } from './token-url.ts';

/**
 * Where a profile's gateway may forward: the origins the profile names (`apiOrigins`, space or
 * comma separated), or else its provider's for its options. An origin is `https://host[:port]`, or
 * `http://` on loopback only, like token URLs; nothing after the host.
 */

/** The origins a text names, or undefined when one of them is not an origin the gateway accepts. */
export function parseApiOrigins(text: string): string[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const origins: string[] = [];
  for (const part of parts) {
    if (!URL.canParse(part)) return undefined;
    const url = new URL(part);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    if (insecureTokenUrl(url) || url.username || url.password) return undefined;
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return undefined;
    origins.push(url.origin);
  }
  return [...new Set(origins)];
}

/** The gateway's allowed origins for a profile; empty when it has none (OAuth 2.0 until it names them). */
export function apiOriginsOf(profile: { provider: ProviderId; options: Readonly<Record<string, unknown>> }): string[] {
  const own = profile.options[GATEWAY_ORIGINS_OPTION.name];
  if (typeof own === 'string' && own.trim() !== '') return parseApiOrigins(own) ?? [];
  return providerFacts(profile.provider, profile.options).apiOrigins;
}
