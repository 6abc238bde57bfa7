import { loadProxyFromEnv } from './lazy-packages.ts';
import { isLoopbackHost } from './token-url.ts';

/**
 * Where token requests go: which proxy (if any). Electron's session answers in the desktop app
 * (system settings, PAC, WPAD); without Electron the standard environment variables do. Pure and
 * cheap: the agents that carry requests are in network.ts, loaded with got on the first request.
 */

/** A profile's own choice: follow the system, go direct, or use this proxy URL. */
export type ProxyChoice = 'system' | 'direct' | string;

/** Where a URL's requests should go: a proxy URL, or undefined to go direct. */
export type ProxyResolver = (url: string) => Promise<string | undefined>;

/**
 * The first usable entry of a PAC answer (`DIRECT`, `PROXY host:port; DIRECT`, `SOCKS5 host:port`,
 * what Electron's `session.resolveProxy` returns) as a proxy URL, or undefined for DIRECT. Entries
 * are tried in order; the rest are fallbacks we do not chase (one route, one clear error).
 */
export function proxyUrlFromPac(answer: string): string | undefined {
  for (const entry of answer.split(';')) {
    const [kind = '', hostPort] = entry.trim().split(/\s+/);
    const scheme = PAC_SCHEMES[kind.toUpperCase()];
    if (kind.toUpperCase() === 'DIRECT') return undefined;
    if (scheme && hostPort) return `${scheme}://${hostPort}`;
  }
  return undefined;
}

const PAC_SCHEMES: Record<string, string> = {
  PROXY: 'http',
  HTTP: 'http',
  HTTPS: 'https',
  SOCKS: 'socks4',
  SOCKS4: 'socks4',
  SOCKS5: 'socks5',
};

/** Where the environment says a URL's requests go (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY). */
export const environmentResolver: ProxyResolver = async (url) => {
  // Loopback never goes through a proxy (Chromium's rule too): local fakes and test servers.
  if (isLoopbackHost(new URL(url).hostname)) return undefined;
  const { getProxyForUrl } = await loadProxyFromEnv();
  const proxy = getProxyForUrl(url);
  if (!proxy) return undefined;
  // proxy-from-env gives a scheme-less value the request's scheme; like curl, we read it as http.
  const named = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'].some((name) =>
    process.env[name]?.trim().toLowerCase().startsWith('https://'),
  );
  return new URL(proxy.startsWith('https://') && !named ? `http://${proxy.slice(8)}` : proxy).href;
};

/** The proxy URL a request should use (credentials included), or undefined to go direct. */
export async function routeFor(url: string, choice: ProxyChoice | undefined, resolve: ProxyResolver) {
  if (choice === 'direct') return undefined;
  if (choice !== undefined && choice !== 'system') return choice;
  return resolve(url);
}
