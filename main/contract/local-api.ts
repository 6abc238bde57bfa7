import type { TokenPlacement } from './vocabulary.ts';

/**
 * The local token API, written once for both ends: the app's server (main/api) and the
 * `tokentray` CLI (main/cli). Where the endpoint lives, what its routes answer, and what the CLI's
 * exit codes mean. Plain TypeScript like the rest of the contract (no Node modules).
 */

/** The folder Electron gives the app (`app.getPath('userData')`) is `<appData>/<productName>`. */
export const PRODUCT_NAME = 'TokenTray';

/** Joins path parts with the platform's separator, without doubling one already there. */
function join(platform: string, ...parts: string[]): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return parts.map((part, i) => (i < parts.length - 1 ? part.replace(/[\\/]+$/, '') : part)).join(sep);
}

/** The app's data folder where the installed app keeps it: what the CLI uses without --data-dir. */
export function defaultDataDir(platform: string, env: Record<string, string | undefined>, home: string): string {
  if (platform === 'win32')
    return join(platform, env.APPDATA || join(platform, home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(platform, home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(platform, env.XDG_CONFIG_HOME || join(platform, home, '.config'), PRODUCT_NAME);
}

/** FNV-1a, 64 bits, as hex: a stable short name for a folder (not a secret, not a checksum). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** Where the API lives for one data folder: a socket (or pipe) and the secret file beside it. */
export interface ApiLocation {
  /** `<data>/api`, mode 0700. */
  dir: string;
  /** The bearer secret, mode 0600. */
  secretFile: string;
  /** A Unix domain socket inside `dir` (mode 0600), or a named pipe on Windows. */
  endpoint: string;
}

/** Unix socket paths are limited to 104 bytes on macOS and 108 on Linux, terminator included. */
export const MAX_SOCKET_PATH_BYTES = 103;

export function apiLocation(dataDir: string, platform: string): ApiLocation {
  const dir = join(platform, dataDir, 'api');
  // A pipe has no folder: its name is made from the data folder, so each user and each
  // --data-dir gets its own, and the CLI finds it the same way.
  const pipe = `\\\\.\\pipe\\tokentray-${fnv1a64(dataDir.toLowerCase())}`;
  return {
    dir,
    secretFile: join(platform, dir, 'secret'),
    endpoint: platform === 'win32' ? pipe : join(platform, dir, 'tokentray.sock'),
  };
}

/** The routes, under one version prefix. A profile is named by its id, its name or a unique prefix. */
export const API_PREFIX = '/v1';
export const apiPaths = {
  info: `${API_PREFIX}`,
  profiles: `${API_PREFIX}/profiles`,
  token: (ref: string) => `${API_PREFIX}/profiles/${encodeURIComponent(ref)}/token`,
  refresh: (ref: string) => `${API_PREFIX}/profiles/${encodeURIComponent(ref)}/refresh`,
  gateway: (ref: string) => `${API_PREFIX}/profiles/${encodeURIComponent(ref)}/gateway`,
};

/** `GET /v1/profiles/{p}/gateway`: where the profile's gateway is and snippets to call it (one schema, in ipc.ts). */
export type { GatewayInfo } from './ipc.ts';

/** Forms the token endpoint and `tokentray token --format` give; `json` is the full answer below. */
export const TOKEN_FORMATS = ['raw', 'header', 'query', 'curl', 'powershell', 'json', 'env'] as const;
export type TokenFormat = (typeof TOKEN_FORMATS)[number];
export const ENV_SHELLS = ['sh', 'powershell'] as const;
export type EnvShell = (typeof ENV_SHELLS)[number];

/** Where a request to the provider's APIs carries the token, said for API clients. */
export interface ApiUsage {
  in: 'query' | 'header';
  name: string;
  /** `Bearer` when the header value is `Bearer <token>`. */
  scheme?: 'Bearer';
}

export function apiUsage(usage: TokenPlacement): ApiUsage {
  if (usage.style === 'query') return { in: 'query', name: usage.name };
  if (usage.style === 'bearer') return { in: 'header', name: 'Authorization', scheme: 'Bearer' };
  return { in: 'header', name: usage.name };
}

/** `GET /v1/profiles/{ref}/token`: a token valid for at least another minute. */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  /** ISO 8601, or null when the provider did not say. */
  expires_at: string | null;
  /** Whole seconds from now, or null. */
  expires_in: number | null;
  profile: { id: string; name: string };
  provider: string;
  usage: ApiUsage;
  /** Variables the provider's own SDK reads a token from (`QIANFAN_ACCESS_TOKEN`); `exec` sets them. */
  sdk_env: string[];
}

/**
 * The variables `tokentray exec` sets and `--format env` prints: the token, its expiry, and the
 * variables the provider's SDK reads it from.
 */
export function tokenEnvironment(answer: TokenAnswer): [string, string][] {
  const vars: [string, string][] = [
    ['TOKENTRAY_ACCESS_TOKEN', answer.access_token],
    ['TOKENTRAY_EXPIRES_AT', answer.expires_at ?? ''],
    ['TOKENTRAY_PROFILE', answer.profile.name],
  ];
  for (const name of answer.sdk_env) vars.push([name, answer.access_token]);
  return vars;
}

/** One line of `GET /v1/profiles`: what the window shows of a profile, never a key or a token. */
export interface ProfileSummary {
  id: string;
  name: string;
  provider: string;
  /** none, valid, expiring, expired; `needs_keys` and `failing` say what the user must look at. */
  status: 'none' | 'valid' | 'expiring' | 'expired';
  refreshing: boolean;
  needs_keys: boolean;
  expires_at: string | null;
  refreshed_at: string | null;
  next_refresh_at: string | null;
  usage: ApiUsage;
  error: ApiErrorBody | null;
}

/** `GET /v1`: who answers. */
export interface ApiInfo {
  name: 'TokenTray';
  version: string;
  api: 1;
}

/**
 * Every error: a code (an engine code such as `invalid_credentials`, or one of the API's own),
 * English words, and the catalog key the CLI turns into the user's language.
 */
export interface ApiErrorBody {
  error: string;
  message: string;
  remedy?: string;
  message_key?: string;
  message_params?: Record<string, string>;
  /** For `ambiguous_profile`: the names that matched. */
  candidates?: string[];
  /** For `format_unsupported`: the formats this profile's token does come in. */
  formats?: TokenFormat[];
  /** For failures the provider reported: its own code. */
  provider_code?: string;
}

/** The API's own error codes, beside the engine's. */
export const API_ERRORS = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unknown_profile: 404,
  method_not_allowed: 405,
  ambiguous_profile: 409,
  payload_too_large: 413,
  format_unsupported: 400,
  bad_request: 400,
  too_many_attempts: 429,
  no_token: 503,
  gateway_off: 403,
  gateway_origin_refused: 400,
  gateway_redirect_refused: 502,
  upstream_unreachable: 502,
  upstream_tls: 502,
  upstream_dns: 502,
  upstream_timeout: 504,
  internal: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

/** What `tokentray` exits with; documented in docs/cli.md and `tokentray --help`. */
export const EXIT = {
  ok: 0,
  /** Anything unexpected. */
  failure: 1,
  usage: 2,
  appNotRunning: 3,
  needsKeys: 4,
  refreshFailed: 5,
  noSuchProfile: 6,
} as const;

/** Engine codes that only new keys fix: the CLI exits 4 for them, 5 for every other failure. */
export const NEEDS_KEYS_CODES: readonly string[] = ['credentials_unreadable', 'invalid_credentials'];

/** Sent by the CLI so the window can say which client took a token. */
export const CLI_USER_AGENT = 'tokentray-cli';
