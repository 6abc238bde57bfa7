import * as z from 'zod/mini';
import en from '../../assets/locales/en.json' with { type: 'json' };

/**
 * What the engine shows of itself, as schemas: the types below are derived from them, and main
 * validates every IPC payload and answer against them. Views speak in codes and parameters; the
 * words come from the catalogs (i18n.ts). Nothing here may hold a key, a secret or a token.
 */

export const ERROR_CODES = [
  'invalid_credentials',
  'not_permitted',
  'invalid_request',
  'rate_limited',
  'server_error',
  'network_error',
  'timeout',
  'bad_response',
  'credentials_unreadable',
  'team_unavailable',
  'team_no_token',
  'proxy_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A message in the catalogs' `errors` section: one per code, and finer ones (a wrong Secret Key...). */
export type ErrorMessageKey = keyof typeof en.errors;
const errorMessageKeys = Object.keys(en.errors) as [ErrorMessageKey, ...ErrorMessageKey[]];

const maybe = z.optional;
const text = (max: number) => z.string().check(z.maxLength(max));

export const tokenErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  /** `errors.<messageKey>.message`, `.remedy` and `.short` in the catalogs. */
  messageKey: z.enum(errorMessageKeys),
  /** Values for the catalog text's placeholders (an IP address to whitelist...); never secret. */
  messageParams: maybe(z.record(z.string(), z.string())),
  retryable: z.boolean(),
  /** The provider's own error identifier (`invalid_client`, an errcode...), when it sent one. */
  providerCode: maybe(z.string()),
  /** The provider's own description, shortened and scrubbed of anything secret. */
  providerMessage: maybe(z.string()),
  /** HTTP status of the failing response, when there was one. */
  httpStatus: maybe(z.number()),
  /** How long the provider asked us to wait (Retry-After), in ms. */
  retryAfterMs: maybe(z.number()),
  /** When it happened, ms since epoch. */
  at: z.number(),
});
/** A failure as the UI sees it: a code, a catalog key for the localized text, never a secret. */
export type TokenError = z.infer<typeof tokenErrorSchema>;

export const PROFILE_STATUSES = ['none', 'valid', 'expiring', 'expired'] as const;
export type ProfileStatus = (typeof PROFILE_STATUSES)[number];

export const profileViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  tokenUrl: maybe(z.string()),
  options: z.record(z.string(), z.unknown()),
  apiKeyHint: z.string(),
  /** Where the token goes in a request to this provider's APIs (copy formats follow it). */
  usage: z.object({ style: z.enum(['query', 'bearer', 'header']), name: z.string() }),
  status: z.enum(PROFILE_STATUSES),
  refreshing: z.boolean(),
  /** The stored keys cannot be decrypted here: the user must enter them again. */
  needsCredentials: z.boolean(),
  expiresAt: maybe(z.number()),
  refreshedAt: maybe(z.number()),
  nextRefreshAt: maybe(z.number()),
  /** Failures since the last success; the notification policy counts on it. */
  consecutiveFailures: z.number(),
  refreshMarginMs: maybe(z.number()),
  cron: maybe(z.string()),
  error: maybe(tokenErrorSchema),
  /** The token is shared with the team (team mode): one member refreshes it for everyone. */
  shared: maybe(z.boolean()),
  /** Who fetched the shared token the profile holds, and its generation in the team store. */
  team: maybe(z.object({ refreshedBy: z.string(), generation: z.number() })),
  /** `direct`, or the proxy URL without its password; absent follows the system's proxy settings. */
  proxy: maybe(z.string()),
});
/** What tray, window and notifications see of a profile: never a secret, full key or token. */
export type ProfileView = z.infer<typeof profileViewSchema>;

export const profileInputSchema = z.strictObject({
  name: text(1000),
  provider: text(64),
  apiKey: text(10_000),
  secretKey: text(10_000),
  tokenUrl: maybe(text(2048)),
  options: maybe(z.record(z.string(), z.unknown())),
  /** Refresh this long before expiry instead of the default max(5 min, 10 % of lifetime). */
  refreshMarginMs: maybe(z.number()),
  /** Extra fixed refresh times, as a 5- or 6-field cron expression. */
  cron: maybe(text(200)),
  /** Share the token with the team (team mode). */
  shared: maybe(z.boolean()),
  /**
   * `system` (or absent), `direct`, or a proxy URL (`http://user:password@host:port`, `socks5://...`).
   * A password in it is kept in the keychain; a URL without one keeps the stored password.
   */
  proxy: maybe(text(2048)),
});
/** A new profile as the user typed it; the engine checks its meaning and names a wrong field. */
export type ProfileInput = z.infer<typeof profileInputSchema>;

export const profilePatchSchema = z.strictObject({
  ...z.partial(profileInputSchema).shape,
  /** `null` goes back to the default margin. */
  refreshMarginMs: maybe(z.nullable(z.number())),
});
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

export const storeIssueSchema = z.object({
  /** `write_failed` lasts while saving fails (its detail is the system's code: ENOSPC, EACCES...). */
  kind: z.enum(['file_moved_aside', 'record_unreadable', 'unknown_schema', 'write_failed']),
  detail: z.string(),
});
/** Something wrong with the store: the shell tells the user. */
export type StoreIssue = z.infer<typeof storeIssueSchema>;

export const credentialCheckSchema = z.union([
  z.object({ ok: z.literal(true), expiresInMs: maybe(z.number()) }),
  z.object({ ok: z.literal(false), error: tokenErrorSchema }),
]);
/** The outcome of trying keys before saving them (the form's "Test" button). */
export type CredentialCheck = z.infer<typeof credentialCheckSchema>;
