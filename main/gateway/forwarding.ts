import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Rejection } from '../contract/catalogue.ts';
import type { GatewayUpstream } from '../core/index.ts';
import { GATEWAY_PREFIX, type GatewayTarget } from './request-target.ts';

/**
 * What the gateway changes in a request and its answer: hop-by-hop headers (RFC 9110 §7.6.1),
 * the client's own gateway credential, the token in the provider's place, and how a refused token
 * is recognised in the answer. Pure functions; gateway.ts does the I/O.
 */

/** Headers that describe one connection, never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The gateway's own request headers: how the client reaches TokenTray, never the provider. */
export const GATEWAY_HEADERS = new Set(['host', 'authorization', 'tokentray-upstream']);

/** Names a `Connection` header lists are hop-by-hop for this message too. */
function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The client's headers as the upstream should see them: no hop-by-hop, no gateway credential. */
export function forwardedRequestHeaders(headers: IncomingHttpHeaders, upstream: URL): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || GATEWAY_HEADERS.has(name)) continue;
    out[name] = value;
  }
  out.host = upstream.host;
  return out;
}

/** The upstream's response headers as the client should see them. */
export function forwardedResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Whether a `WWW-Authenticate` header says the bearer token itself was refused (RFC 6750 §3.1). */
function invalidTokenChallenge(value: string | string[] | undefined): boolean {
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  return /\bBearer\b[\s\S]*\berror\s*=\s*"?invalid_token"?/i.test(text);
}

/** Whether an answer's status and headers alone say the token was refused. */
export function refusedByStatus(rules: readonly Rejection[], status: number, headers: IncomingHttpHeaders): boolean {
  return rules.some(
    (rule) =>
      rule.statuses?.includes(status) === true &&
      (!rule.invalidTokenChallenge || invalidTokenChallenge(headers['www-authenticate'])),
  );
}

/** Whether some rule reads the body (Baidu's error_code in an HTTP 200): the answer must be looked at. */
export function readsBody(rules: readonly Rejection[]): boolean {
  return rules.some((rule) => rule.field !== undefined);
}

/** Whether a JSON answer's body says the token was refused. */
export function refusedByBody(rules: readonly Rejection[], body: Buffer): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  if (parsed === null || typeof parsed !== 'object') return false;
  const fields = parsed as Record<string, unknown>;
  return rules.some((rule) => {
    if (rule.field === undefined) return false;
    const value = fields[rule.field];
    return rule.codes?.some((code) => code === value || String(code) === String(value)) === true;
  });
}

/** Replaces every occurrence of the token in an answer. */
export function scrub(body: Buffer, token: string): Buffer {
  const text = body.toString('utf8');
  return text.includes(token) ? Buffer.from(text.split(token).join('[redacted]'), 'utf8') : body;
}

/**
 * Where a redirect answer may send the client: a Location on an allowed origin becomes the same
 * path through the gateway (without the token), one on any other origin is refused, never followed.
 */
export function redirectTarget(
  upstream: GatewayUpstream,
  from: URL,
  answer: IncomingMessage,
  target: GatewayTarget,
  tokenParam: string,
): string | 'refused' | undefined {
  const location = answer.headers.location;
  const status = answer.statusCode ?? 0;
  if (location === undefined || status < 300 || status >= 400) return undefined;
  if (!URL.canParse(location, from)) return 'refused';
  const next = new URL(location, from);
  if (!upstream.origins.includes(next.origin)) return 'refused';
  if (upstream.usage.style === 'query') next.searchParams.delete(tokenParam);
  return `${GATEWAY_PREFIX}${encodeURIComponent(target.profile)}${next.pathname}${next.search}`;
}
