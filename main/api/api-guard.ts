import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiErrorCode } from '../contract/local-api.ts';

/** Failed authentications allowed in a burst, and how many more each second earns back. */
export const AUTH_FAILURE_BURST = 20;
export const AUTH_FAILURES_PER_SECOND = 5;

/** The names a local request may give as its Host: anything else is DNS rebinding. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function hostName(host: string): string {
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  if (bracket > 0) return host.slice(0, bracket + 1).toLowerCase();
  return host.split(':')[0]?.toLowerCase() ?? '';
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether two secrets are equal, in time that does not depend on where they differ. */
export function sameSecret(presented: string, expected: string): boolean {
  return expected !== '' && timingSafeEqual(digest(presented), digest(expected));
}

/** The bearer value of an Authorization header, if it has one. */
export function bearerOf(header: string | string[] | undefined): string | undefined {
  return /^Bearer ([^\s]+)$/.exec(typeof header === 'string' ? header : '')?.[1];
}

/**
 * The gate in front of every route: no browser (an Origin or Sec-Fetch-Site header, a Host that is
 * not loopback), then the bearer secret, compared in constant time. Failed authentications drain a
 * token bucket; while it is empty they get 429 and are counted rather than logged one by one. The
 * right secret still gets in, so a local process flooding the API cannot lock the user's scripts
 * out; guessing is hopeless anyway (256 random bits), the limit bounds the work and the noise.
 */
export function createApiGuard(options: {
  secret(): string;
  now(): number;
  /** Host names a request may also give (a server reached by name on the network). */
  allowedHosts?: readonly string[];
}) {
  const hosts = new Set([...LOCAL_HOSTS, ...(options.allowedHosts ?? []).map((host) => host.toLowerCase())]);
  let allowance = AUTH_FAILURE_BURST;
  let lastRefill = options.now();
  let refused = 0;

  function refill(): void {
    const now = options.now();
    allowance = Math.min(AUTH_FAILURE_BURST, allowance + ((now - lastRefill) / 1000) * AUTH_FAILURES_PER_SECOND);
    lastRefill = now;
  }

  function authorized(header: string | undefined): boolean {
    const presented = bearerOf(header);
    return presented !== undefined && sameSecret(presented, options.secret());
  }

  /** Counts a failed authentication: 401, or 429 once the burst is spent. */
  function failed(): 'unauthorized' | 'too_many_attempts' {
    refill();
    if (allowance < 1) {
      refused++;
      return 'too_many_attempts';
    }
    allowance -= 1;
    return 'unauthorized';
  }

  /**
   * No browser: what only browsers send (Origin on a cross-origin request, Sec-Fetch-Site to a
   * trustworthy origin such as localhost), or a Host we do not answer to (DNS rebinding). Node's
   * own fetch and the SDKs built on it send other Sec-Fetch headers on every request: not a browser.
   */
  function browser(headers: IncomingHttpHeaders): ApiErrorCode | undefined {
    if (headers.origin !== undefined || headers['sec-fetch-site'] !== undefined) return 'forbidden';
    if (!hosts.has(hostName(headers.host ?? ''))) return 'forbidden';
    return undefined;
  }

  return {
    browser,
    /** Undefined when the request may go on; otherwise the error to answer with. */
    check(headers: IncomingHttpHeaders): ApiErrorCode | undefined {
      const notForBrowsers = browser(headers);
      if (notForBrowsers) return notForBrowsers;
      if (authorized(headers.authorization)) return undefined;
      return failed();
    },
    failed,
    /** Seconds until another failed attempt is allowed (Retry-After). */
    retryAfterSeconds: () => Math.max(1, Math.ceil((1 - allowance) / AUTH_FAILURES_PER_SECOND)),
    /** Requests turned away since the last call: logged once in a while, not once each. */
    takeRefusedCount(): number {
      const count = refused;
      refused = 0;
      return count;
    },
  };
}
