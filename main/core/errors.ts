import type { MessageKey } from '../contract/i18n.ts';
import { scrubSecrets } from './secret-scrub.ts';
import type { ErrorCode, ErrorMessageKey, TokenError } from './types.ts';

/** Whether the engine may retry each kind of failure by itself. */
export const RETRYABLE: Record<ErrorCode, boolean> = {
  invalid_credentials: false,
  not_permitted: false,
  invalid_request: false,
  rate_limited: true,
  server_error: true,
  network_error: true,
  timeout: true,
  bad_response: true,
  credentials_unreadable: false,
  team_unavailable: true,
  team_no_token: true,
  proxy_error: true,
};

export interface ErrorDetails {
  messageKey?: ErrorMessageKey;
  messageParams?: Record<string, string>;
  /** Overrides the code's usual retryability (a redirect will not fix itself). */
  retryable?: boolean;
  providerCode?: string;
  providerMessage?: string;
  httpStatus?: number;
  retryAfterMs?: number;
}

/** A failure before it is stamped with a time: what providers and the HTTP layer return. */
export type Failure = Omit<TokenError, 'at'>;

/** Builds a failure: a code, a catalog key and its parameters. The shell turns them into words. */
export function failure(code: ErrorCode, details: ErrorDetails = {}): Failure {
  const result: Failure = {
    code,
    messageKey: details.messageKey ?? code,
    retryable: details.retryable ?? RETRYABLE[code],
  };
  if (details.messageParams) result.messageParams = details.messageParams;
  if (details.providerCode !== undefined) result.providerCode = details.providerCode;
  if (details.providerMessage !== undefined) result.providerMessage = details.providerMessage;
  if (details.httpStatus !== undefined) result.httpStatus = details.httpStatus;
  if (details.retryAfterMs !== undefined) result.retryAfterMs = details.retryAfterMs;
  return result;
}

const MAX_PROVIDER_TEXT = 200;

/**
 * Shortens provider-supplied text and blanks out any secret it echoes back, so it can be shown
 * and logged. Providers have been seen to quote the request in their error descriptions.
 */
export function scrubProviderText(text: unknown, secrets: readonly string[]): string | undefined {
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  let clean = scrubSecrets(
    String(text)
      .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
      .trim(),
    secrets,
  );
  // Anything that still looks like a credential-bearing query parameter goes too.
  clean = clean.replace(/((?:client_secret|access_token|secret|token)=)[^&\s"']+/gi, '$1[redacted]');
  if (clean.length > MAX_PROVIDER_TEXT) clean = `${clean.slice(0, MAX_PROVIDER_TEXT - 1)}…`;
  return clean === '' ? undefined : clean;
}

/**
 * A failure with every provider-supplied part scrubbed of the profile's own secrets: what the
 * engine stores and shows, whichever provider or layer produced it.
 */
export function scrubFailure(failure: Failure, secrets: readonly string[]): Failure {
  const clean: Failure = { ...failure };
  if (failure.providerCode !== undefined) clean.providerCode = scrubSecrets(failure.providerCode, secrets);
  if (failure.providerMessage !== undefined) clean.providerMessage = scrubSecrets(failure.providerMessage, secrets);
  if (failure.messageParams) {
    clean.messageParams = Object.fromEntries(
      Object.entries(failure.messageParams).map(([name, value]) => [name, scrubSecrets(value, secrets)]),
    );
  }
  return clean;
}

/** The catalog keys of input mistakes (`input.key_required`...). */
export type InputMessageKey = Extract<MessageKey, `input.${string}`>;

/**
 * Thrown (not returned) for caller mistakes: bad profile input. Carries the field and a catalog
 * key; its message is that key, never a sentence (the shell has the words).
 */
export class ProfileInputError extends Error {
  readonly code = 'invalid_input';
  readonly field: string;
  readonly messageKey: InputMessageKey;

  constructor(field: string, key: InputMessageKey extends `input.${infer K}` ? K : never) {
    super(`${field}: input.${key}`);
    this.name = 'ProfileInputError';
    this.field = field;
    this.messageKey = `input.${key}`;
  }
}

export class UnknownProfileError extends Error {
  readonly code = 'unknown_profile';
  constructor(id: string) {
    super(`No profile with id ${JSON.stringify(id.slice(0, 64))}`);
    this.name = 'UnknownProfileError';
  }
}
