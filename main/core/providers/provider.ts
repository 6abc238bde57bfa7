import type { z } from 'zod';
import { type ErrorMessageKey, type Failure, failure, scrubProviderText } from '../errors.ts';
import type { HttpRequest, HttpResponse } from '../http-client.ts';
import type { ErrorCode, ProviderId } from '../types.ts';

export interface Credentials {
  apiKey: string;
  secretKey: string;
}

export interface ProviderContext {
  tokenUrl: string;
  options: Record<string, unknown>;
  /** ms since epoch, for providers that sign or stamp requests. */
  now: number;
  /** The user explicitly asked for a brand-new token (WeChat's force_refresh); never automatic. */
  force?: boolean;
}

export interface TokenGrant {
  accessToken: string;
  /** Lifetime the provider announced; undefined when it did not say. */
  expiresInMs?: number;
  /** Absolute expiry, for providers that send a time rather than a lifetime (ms since epoch). */
  expiresAt?: number;
}

export type ProviderResult = { ok: true; grant: TokenGrant } | { ok: false; failure: Failure };

/** How an API expects to receive the token, and a harmless request to show it off in curl. */
export interface TokenUsage {
  /** `query`: `?access_token=`; `bearer`: `Authorization: Bearer`; `header`: a header of its own. */
  style: 'query' | 'bearer' | 'header';
  /** The header name when `style` is `header`. */
  headerName?: string;
  /** The query parameter name when `style` is `query`. */
  queryName?: string;
  example: { method: 'GET' | 'POST'; url: string; json?: unknown };
}

/** One token protocol. Adding a provider is one file implementing this plus a line in the table. */
export interface TokenProvider {
  id: ProviderId;
  /** How the token is used with this provider's APIs (copy formats, curl example). */
  usage(context: { tokenUrl?: string; options?: Record<string, unknown> }): TokenUsage;
  /** Used when the profile has no tokenUrl; undefined means the user must give one. */
  defaultTokenUrl(options: Record<string, unknown>): string | undefined;
  /**
   * For providers that hand back the same token until it is this close to expiry (WeChat stable,
   * Feishu): refreshing earlier gains nothing, so the refresh margin is capped to this.
   */
  refreshWindowMs?(options: Record<string, unknown>): number | undefined;
  /** Whether keys may hold inner spaces (OAuth 2.0: VSCHAR, RFC 6749 Appendix A); else a space is a paste error. */
  keysMayContainSpaces?: boolean;
  /** Whether the user may ask for a brand-new token that revokes the current one. */
  supportsForceRefresh?(options: Record<string, unknown>): boolean;
  /** Validates and fills defaults of the profile's `options`. */
  optionsSchema: z.ZodType<Record<string, unknown>>;
  buildRequest(credentials: Credentials, context: ProviderContext): HttpRequest;
  /** Decides success by the token field and failure by the provider's error fields. */
  interpret(response: HttpResponse, credentials: Credentials, context: ProviderContext): ProviderResult;
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

/** The standard OAuth 2.0 `error` values (RFC 6749 §5.2) and what they mean to a user. */
const OAUTH_ERROR_CODES: Record<string, ErrorCode> = {
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

/**
 * Interprets an `{error, error_description}` body. `refine` lets a provider pick a more precise
 * message from the description (Baidu tells a wrong API Key from a wrong Secret Key).
 */
export function interpretOAuthError(
  response: HttpResponse,
  secrets: readonly string[],
  refine?: (error: string, description: string) => ErrorMessageKey | undefined,
): Failure | undefined {
  const body = response.json;
  const error = body?.error;
  if (typeof error !== 'string' || error === '') return undefined;
  const description = typeof body?.error_description === 'string' ? body.error_description : '';
  const code = OAUTH_ERROR_CODES[error] ?? statusFallbackCode(response.status) ?? 'invalid_request';
  const messageKey = refine?.(error, description);
  return failure(code, {
    ...(messageKey ? { messageKey } : {}),
    providerCode: scrubProviderText(error, secrets) ?? 'error',
    ...optional('providerMessage', scrubProviderText(description, secrets)),
    httpStatus: response.status,
    ...optional('retryAfterMs', retryAfterMs(response)),
  });
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

function statusFallbackCode(status: number): ErrorCode | undefined {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return undefined;
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

function firstHeader(response: HttpResponse, name: string): string | undefined {
  const raw = response.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

/**
 * Interprets an error body identified by a code (WeChat's errcode, Feishu's code, IAM's code):
 * the code picks the error and message, matched on the code only because messages carry trace ids.
 */
export function interpretCodedError(
  response: HttpResponse,
  code: unknown,
  description: unknown,
  table: ErrorTable,
  secrets: readonly string[],
  messageParams?: Record<string, string>,
): Failure {
  const key = String(code);
  const entry = table[key];
  const [errorCode, messageKey]: readonly [ErrorCode, ErrorMessageKey | undefined] =
    typeof entry === 'object' ? entry : [entry ?? statusFallbackCode(response.status) ?? 'invalid_request', undefined];
  return failure(errorCode, {
    ...(messageKey ? { messageKey } : {}),
    ...(messageParams ? { messageParams } : {}),
    providerCode: scrubProviderText(key, secrets) ?? 'error',
    ...optional('providerMessage', scrubProviderText(description, secrets)),
    httpStatus: response.status,
    ...optional('retryAfterMs', retryAfterMs(response)),
  });
}

/** Builds a successful result from a token and lifetime field, or says why it is not one. */
export function grantFrom(token: unknown, lifetimeSeconds: number | undefined): ProviderResult {
  const accessToken = readToken(token);
  if (accessToken === undefined) return { ok: false, failure: failure('bad_response') };
  return {
    ok: true,
    grant: lifetimeSeconds === undefined ? { accessToken } : { accessToken, expiresInMs: lifetimeSeconds * 1000 },
  };
}

type Body = Record<string, unknown>;
export type ErrorTable = Readonly<Record<string, ErrorCode | readonly [ErrorCode, ErrorMessageKey]>>;

/** Where a provider keeps its token and its error code in a JSON answer. */
export interface AnswerShape {
  /**
   * The token and its lifetime (seconds), or its absolute expiry (ms since epoch, preferred when
   * valid), when the body is a success; else undefined.
   */
  success(body: Body): { token: unknown; lifetime?: unknown; expiresAt?: number } | undefined;
  /** The error code and message when the body is a failure, else undefined. */
  error(body: Body): { code: unknown; message: unknown } | undefined;
  /** The provider's codes; a function when the right text depends on the answer. */
  errors: ErrorTable | ((body: Body) => ErrorTable);
  /** Catalog placeholders found in the failure (the IP WeChat refused...). */
  params?(body: Body): Record<string, string> | undefined;
}

/**
 * The rule every provider follows: success is the token field, failure the provider's error
 * fields (matched by code), and anything else an unrecognised answer.
 */
export function interpretAnswer(response: HttpResponse, credentials: Credentials, shape: AnswerShape): ProviderResult {
  const body = response.json;
  const success = body && shape.success(body);
  if (success) {
    const { token, lifetime, expiresAt } = success;
    const accessToken = readToken(token);
    if (accessToken !== undefined && expiresAt !== undefined && Number.isFinite(expiresAt)) {
      return { ok: true, grant: { accessToken, expiresAt } };
    }
    return grantFrom(token, readLifetimeSeconds(lifetime));
  }
  const error = body && shape.error(body);
  if (!body || !error) return { ok: false, failure: unrecognisedResponse(response) };
  const secrets = [credentials.apiKey, credentials.secretKey];
  const table = typeof shape.errors === 'function' ? shape.errors(body) : shape.errors;
  const failure = interpretCodedError(response, error.code, error.message, table, secrets, shape.params?.(body));
  return { ok: false, failure };
}

export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
