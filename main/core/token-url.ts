import { BlockList, isIP } from 'node:net';
import { ProfileInputError } from './errors.ts';

/** Where keys may be sent: https anywhere, plain http only to this computer. */

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
 * Whether keys must not be sent to this URL: plain http:// is only for this computer (a local
 * proxy, a test server). Anywhere else the keys would cross the network in the clear.
 */
export function insecureTokenUrl(url: URL): boolean {
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}

/** An http(s) URL with no user info or fragment, or undefined for "use the provider default". */
export function cleanTokenUrl(value: unknown): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string' || !URL.canParse(value.trim())) {
    throw new ProfileInputError('tokenUrl', 'token_url_invalid');
  }
  const url = new URL(value.trim());
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  if (!web || url.username || url.password || url.hash) {
    throw new ProfileInputError('tokenUrl', 'token_url_invalid');
  }
  if (insecureTokenUrl(url)) throw new ProfileInputError('tokenUrl', 'token_url_insecure');
  return url.toString();
}
