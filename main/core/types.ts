/** Ports and views shared by the engine and the shell. Nothing here may hold a secret in a view. */

export type ProviderId = 'baidu' | 'baidu-iam' | 'wechat' | 'feishu' | 'dingtalk' | 'oauth2';

/** The key-value surface that electron-store (app) and conf (tests) both offer. */
export interface KeyValueStore {
  get(key: string, fallback?: unknown): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Turns secrets into opaque text and back: safeStorage in the app, AES-256-GCM in tests. */
export interface Cipher {
  encrypt(plain: string): Promise<string>;
  decrypt(stored: string): Promise<string>;
  /**
   * Optional: decrypts and, when the OS rotated its key (safeStorage's `shouldReEncrypt`), also
   * returns the value encrypted afresh so the engine can store it in place of the old one.
   */
  decryptWithRotation?(stored: string): Promise<{ plain: string; replacement?: string }>;
}

export interface Logger {
  debug?(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export type ErrorCode =
  | 'invalid_credentials'
  | 'not_permitted'
  | 'invalid_request'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'bad_response'
  | 'credentials_unreadable';

/** A failure as the UI sees it: a code, a catalog key for the localized text, never a secret. */
export interface TokenError {
  code: ErrorCode;
  /** Key into assets/locales/*.json (`errors.<messageKey>.message` and `.remedy`). */
  messageKey: string;
  /** English text of the message, for logs and for callers without a catalog. */
  message: string;
  /** Values for the catalog text's placeholders (an IP address to whitelist...); never secret. */
  messageParams?: Record<string, string>;
  retryable: boolean;
  /** The provider's own error identifier (`invalid_client`, an errcode...), when it sent one. */
  providerCode?: string;
  /** The provider's own description, shortened and scrubbed of anything secret. */
  providerMessage?: string;
  /** HTTP status of the failing response, when there was one. */
  httpStatus?: number;
  /** How long the provider asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** When it happened, ms since epoch. */
  at: number;
}

export type ProfileStatus = 'none' | 'valid' | 'expiring' | 'expired';

/** How the provider's APIs take the token: a URL parameter, `Authorization: Bearer`, or a header of their own. */
export interface TokenPlacement {
  style: 'query' | 'bearer' | 'header';
  /** The query parameter or header name (`access_token`, `Authorization`, `x-acs-dingtalk-access-token`). */
  name: string;
}

/** What tray, window and notifications see of a profile: never a secret, full key or token. */
export interface ProfileView {
  id: string;
  name: string;
  provider: ProviderId;
  tokenUrl?: string;
  options: Record<string, unknown>;
  apiKeyHint: string;
  /** Where the token goes in a request to this provider's APIs (copy formats follow it). */
  usage: TokenPlacement;
  status: ProfileStatus;
  refreshing: boolean;
  /** The stored keys cannot be decrypted here: the user must enter them again. */
  needsCredentials: boolean;
  expiresAt?: number;
  refreshedAt?: number;
  nextRefreshAt?: number;
  /** Failures since the last success; the notification policy counts on it. */
  consecutiveFailures: number;
  refreshMarginMs?: number;
  cron?: string;
  error?: TokenError;
}

export interface ProfileInput {
  name: string;
  provider: ProviderId;
  apiKey: string;
  secretKey: string;
  tokenUrl?: string;
  options?: Record<string, unknown>;
  /** Refresh this long before expiry instead of the default max(5 min, 10 % of lifetime). */
  refreshMarginMs?: number;
  /** Extra fixed refresh times, as a 5- or 6-field cron expression. */
  cron?: string;
}

/** Changes to a profile; `refreshMarginMs: null` goes back to the default margin. */
export type ProfilePatch = Omit<Partial<ProfileInput>, 'refreshMarginMs'> & { refreshMarginMs?: number | null };

/** Something the engine found wrong with the store while loading; the shell tells the user. */
export interface StoreIssue {
  /** `write_failed` lasts while saving fails (its detail is the system's code: ENOSPC, EACCES...). */
  kind: 'file_moved_aside' | 'record_unreadable' | 'unknown_schema' | 'write_failed';
  detail: string;
}

/** The outcome of trying keys before saving them (the form's "Test" button). */
export type CredentialCheck = { ok: true; expiresInMs?: number } | { ok: false; error: TokenError };
