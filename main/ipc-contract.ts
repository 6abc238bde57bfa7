/**
 * The one contract between main, preload and renderer. Main and preload import its values; the
 * renderer imports types only. Payloads are validated at runtime in main (ipc-schemas.ts).
 */
import type {
  CredentialCheck,
  ProfileInput,
  ProfilePatch,
  ProfileView,
  ProviderId,
  StoreIssue,
  TokenPlacement,
} from './core/types.ts';

export type { ErrorCode, ProfileStatus, TokenError, TokenPlacement } from './core/types.ts';
export type { CredentialCheck, ProfileInput, ProfilePatch, ProfileView, ProviderId, StoreIssue };

export const COPY_FORMATS = ['raw', 'header', 'url', 'curl', 'powershell'] as const;
export type CopyFormat = (typeof COPY_FORMATS)[number];

/**
 * The forms a profile's token can be copied in: only those its APIs accept (Baidu's legacy API
 * reads `?access_token=`, so it gets no header), plus a ready request line. The curl line is for
 * POSIX shells; on Windows a PowerShell line is offered beside it, and the curl one says its shell.
 */
export function copyFormatsFor(usage: TokenPlacement, platform: string): CopyFormat[] {
  const formats: CopyFormat[] = ['raw', usage.style === 'query' ? 'url' : 'header', 'curl'];
  return platform === 'win32' ? [...formats, 'powershell'] : formats;
}

import type { Language, Locale } from '../assets/locales/translator.ts';

export type { Language, Locale };

export const NOTICE_KINDS = ['refreshFailed', 'expired', 'expiringSoon', 'recovered'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Settings {
  /** Seconds before a copied token is wiped from the clipboard; 0 = never. */
  clipboardClearSeconds: number;
  startAtLogin: boolean;
  language: Language;
  notifications: Record<NoticeKind, boolean>;
  /** Refresh this many minutes before expiry unless a profile says otherwise; 0 = automatic. */
  defaultRefreshMarginMinutes: number;
  /** Linux without a keyring: the user accepted that secrets are only obfuscated. */
  allowWeakSecretStorage: boolean;
}

/** How secrets are protected on this machine, said plainly. */
export type SecretProtection =
  | { kind: 'keychain'; backend: 'macos_keychain' | 'windows_dpapi' | 'gnome_libsecret' | 'kwallet' }
  | { kind: 'weak'; backend: 'basic_text'; accepted: boolean }
  | { kind: 'unavailable' };

export interface AppEnvironment {
  platform: 'darwin' | 'win32' | 'linux' | 'other';
  locale: Locale;
  version: string;
  secretProtection: SecretProtection;
  storeIssues: StoreIssue[];
}

export interface CopyResult {
  /** Seconds until the clipboard is cleared, or 0 when it is not. */
  clearsInSeconds: number;
}

export interface RevealResult {
  token: string;
  /** The window hides the token again after this long. */
  hideAfterMs: number;
}

/** Errors come back as values: a code, a catalog key, never a stack trace. */
export interface IpcError {
  code: string;
  message: string;
  messageKey?: string;
  field?: string;
}
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Every invoke channel: its arguments and what it resolves with. */
export interface InvokeMap {
  'profiles:list': { args: []; result: ProfileView[] };
  'profiles:add': { args: [input: ProfileInput]; result: ProfileView };
  'profiles:update': { args: [id: string, patch: ProfilePatch]; result: ProfileView };
  'profiles:remove': { args: [id: string]; result: null };
  'profiles:refresh': { args: [id: string, options?: { force?: boolean }]; result: ProfileView };
  'profiles:test': { args: [input: ProfileInput]; result: CredentialCheck };
  'token:copy': { args: [id: string, format: CopyFormat]; result: CopyResult };
  'token:reveal': { args: [id: string]; result: RevealResult };
  'settings:get': { args: []; result: Settings };
  'settings:set': { args: [patch: Partial<Settings>]; result: Settings };
  'app:environment': { args: []; result: AppEnvironment };
}
export type InvokeChannel = keyof InvokeMap;

export const INVOKE_CHANNELS = [
  'profiles:list',
  'profiles:add',
  'profiles:update',
  'profiles:remove',
  'profiles:refresh',
  'profiles:test',
  'token:copy',
  'token:reveal',
  'settings:get',
  'settings:set',
  'app:environment',
] as const satisfies readonly InvokeChannel[];

/** Every main → renderer event and its payload. */
export interface EventMap {
  'profiles:changed': ProfileView[];
  'settings:changed': Settings;
  /** A notification was clicked: show this profile. */
  'window:focus-profile': string;
  /** The store's problems changed (a write started failing, or works again). */
  'store:issues': StoreIssue[];
}
export type EventChannel = keyof EventMap;
export const EVENT_CHANNELS = [
  'profiles:changed',
  'settings:changed',
  'window:focus-profile',
  'store:issues',
] as const satisfies readonly EventChannel[];

type Unsubscribe = () => void;

/** What the preload exposes as `window.tokentray`: named functions only, no raw IPC. */
export interface TokenTrayApi {
  listProfiles(): Promise<IpcResult<ProfileView[]>>;
  addProfile(input: ProfileInput): Promise<IpcResult<ProfileView>>;
  updateProfile(id: string, patch: ProfilePatch): Promise<IpcResult<ProfileView>>;
  removeProfile(id: string): Promise<IpcResult<null>>;
  /** `force` asks for a brand-new token where the provider allows it (WeChat), revoking the old one. */
  refresh(id: string, options?: { force?: boolean }): Promise<IpcResult<ProfileView>>;
  testCredentials(input: ProfileInput): Promise<IpcResult<CredentialCheck>>;
  copy(id: string, format: CopyFormat): Promise<IpcResult<CopyResult>>;
  reveal(id: string): Promise<IpcResult<RevealResult>>;
  getSettings(): Promise<IpcResult<Settings>>;
  setSettings(patch: Partial<Settings>): Promise<IpcResult<Settings>>;
  getEnvironment(): Promise<IpcResult<AppEnvironment>>;
  onProfilesChanged(listener: (views: ProfileView[]) => void): Unsubscribe;
  onSettingsChanged(listener: (settings: Settings) => void): Unsubscribe;
  onFocusProfile(listener: (id: string) => void): Unsubscribe;
  onStoreIssues(listener: (issues: StoreIssue[]) => void): Unsubscribe;
}

/** The API name on `window`. */
export const API_KEY = 'tokentray';
