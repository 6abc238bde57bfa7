import { jwtExpiry } from '../../contract/jwt.ts';
import { type Failure, failure, scrubProviderText } from '../errors.ts';
import type { HttpResponse } from '../http-client.ts';
import type { ErrorCode, ErrorMessageKey } from '../types.ts';
import type { Credentials } from './provider.ts';

export interface TokenGrant {
  accessToken: string;
  /** Lifetime the provider announced; undefined when it did not say. */
  expiresInMs?: number;
  /** Absolute expiry, for providers that send a time rather than a lifetime (ms since epoch). */
  expiresAt?: number;
}

export type ProviderResult = { ok: true; grant: TokenGrant } | { ok: false; failure: Failure };

type Body = Record<string, unknown>;
export type ErrorTable = Readonly<Record<string, ErrorCode | readonly [ErrorCode, ErrorMessageKey]>>;

/** Where a provider keeps its token and its error code in a JSON answer (docs/providers.md). */
export interface AnswerShape {
  /**
   * The token and its lifetime (seconds), or its absolute expiry (ms since epoch, preferred when
   * valid), when the body is a success; else undefined.
   */
  success(body: Body): { token: unknown; lifetime?: unknown; expiresAt?: number } | undefined;
  /** Used when a success names no lifetime (Baidu's 30 days, an OAuth profile's own setting). */
  fallbackLifetimeSeconds?: number;
  /** The error code and message when the body is a failure, else undefined. */
  error(body: Body): { code: unknown; message: unknown } | undefined;
  /** The provider's codes; a function when the right text depends on the answer. */
  errors: ErrorTable | ((body: Body) => ErrorTable);
  /** A more precise message for some answers (Baidu tells a wrong API Key from a wrong Secret Key). */
  messageKey?(body: Body): ErrorMessageKey | undefined;
  /** Catalog placeholders found in the failure (the IP WeChat refused...). */
  params?(body: Body): Record<string, string> | undefined;
}

const MAX_TOKEN_LENGTH = 64 * 1024;
const MAX_LIFETIME_S = 10 * 365 * 24 * 3600;

/**
 * RFC 6750 §2.1 b64token: the only characters a bearer token may hold (JWT dots, Baidu's
 * `24.…-…`, IAM's `bce-v3/…` included). Anything else cannot be pasted safely into a header, a
 * URL or a shell line, so it is not a token.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Reads a token field: an opaque string of b64token characters. */
export function readToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === 0 || value.length > MAX_TOKEN_LENGTH) return undefined;
  return B64TOKEN.test(value) ? value : undefined;
}

/** Reads a lifetime in seconds sent as a JSON number or a numeric string. */
export function readLifetimeSeconds(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  if (seconds <= 0 || seconds > MAX_LIFETIME_S) return undefined;
  return seconds;
}

/** The standard OAuth 2.0 `error` values (RFC 6749 §5.2), shared by Baidu and generic OAuth. */
export const OAUTH_ERRORS: ErrorTable = {
  invalid_client: 'invalid_credentials',
  invalid_grant: 'not_permitted',
  unauthorized_client: 'not_permitted',
  invalid_scope: 'not_permitted',
  access_denied: 'not_permitted',
  invalid_request: 'invalid_request',
  unsupported_grant_type: 'invalid_request',
  server_error: 'server_error',
  temporarily_unavailable: 'server_error',
  slow_down: 'rate_limited',
};

/** An OAuth 2.0 answer: `access_token` and `expires_in`, or `{error, error_description}`. */
export function oauthAnswer(extra: Partial<AnswerShape> = {}): AnswerShape {
  return {
    success: (body) => ('access_token' in body ? { token: body.access_token, lifetime: body.expires_in } : undefined),
    error: (body) =>
      typeof body.error === 'string' && body.error !== ''
        ? { code: body.error, message: body.error_description }
        : undefined,
    errors: OAUTH_ERRORS,
    ...extra,
  };
}

function statusFallbackCode(status: number): ErrorCode | undefined {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return undefined;
}

function firstHeader(response: HttpResponse, name: string): string | undefined {
  const raw = response.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

/**
 * Retry-After as a delay in ms, capped at a day. An HTTP date is read against the response's own
 * Date header, so the local clock (which may be wrong) plays no part.
 */
export function retryAfterMs(response: HttpResponse): number | undefined {
  const value = firstHeader(response, 'retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  const serverNow = Date.parse(firstHeader(response, 'date') ?? '');
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - serverNow;
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, 24 * 3600 * 1000);
}

export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** What a response with neither a token nor a recognised error means. */
export function unrecognisedResponse(response: HttpResponse): Failure {
  const details = { httpStatus: response.status, ...optional('retryAfterMs', retryAfterMs(response)) };
  const byStatus = statusFallbackCode(response.status);
  if (byStatus) return failure(byStatus, details);
  if (response.status >= 300 && response.status < 400) {
    return failure('bad_response', { ...details, messageKey: 'bad_response_redirect', retryable: false });
  }
  if (response.json === undefined) return failure('bad_response', details);
  return failure('bad_response', { ...details, messageKey: 'bad_response_no_token' });
}

function grantFrom(token: unknown, lifetimeSeconds: number | undefined, expiresAt?: number): ProviderResult {
  const accessToken = readToken(token);
  if (accessToken === undefined) return { ok: false, failure: failure('bad_response') };
  if (expiresAt !== undefined && Number.isFinite(expiresAt)) return { ok: true, grant: { accessToken, expiresAt } };
  return {
    ok: true,
    grant: lifetimeSeconds === undefined ? { accessToken } : { accessToken, expiresInMs: lifetimeSeconds * 1000 },
  };
}

/**
 * The rule every provider follows (docs/providers.md): parse the JSON whatever the status;
 * success is the token field, failure the provider's error fields matched by code (messages carry
 * trace ids), and anything else an unrecognised answer.
 */
export function interpretAnswer(response: HttpResponse, credentials: Credentials, shape: AnswerShape): ProviderResult {
  const body = response.json;
  const success = body && shape.success(body);
  if (success) {
    const announced = readLifetimeSeconds(success.lifetime);
    // No lifetime said: a JWT carries its own expiry (`exp`), truer than a configured guess.
    const fromJwt =
      announced === undefined && success.expiresAt === undefined && typeof success.token === 'string'
        ? jwtExpiry(success.token)
        : undefined;
    return grantFrom(success.token, announced ?? shape.fallbackLifetimeSeconds, success.expiresAt ?? fromJwt);
  }
  const error = body && shape.error(body);
  if (!body || !error) return { ok: false, failure: unrecognisedResponse(response) };
  const secrets = [credentials.apiKey, credentials.secretKey];
  const key = String(error.code);
  const table = typeof shape.errors === 'function' ? shape.errors(body) : shape.errors;
  const entry = table[key];
  const [code, tableKey]: readonly [ErrorCode, ErrorMessageKey | undefined] =
    typeof entry === 'object' ? entry : [entry ?? statusFallbackCode(response.status) ?? 'invalid_request', undefined];
  const messageKey = shape.messageKey?.(body) ?? tableKey;
  const params = shape.params?.(body);
  return {
    ok: false,
    failure: failure(code, {
      ...optional('messageKey', messageKey),
      ...optional('messageParams', params),
      providerCode: scrubProviderText(key, secrets) ?? 'error',
      ...optional('providerMessage', scrubProviderText(error.message, secrets)),
      httpStatus: response.status,
      ...optional('retryAfterMs', retryAfterMs(response)),
    }),
  };
}
