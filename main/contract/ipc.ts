import * as z from 'zod/mini';
import { catalogueEntrySchema } from './catalogue-schema.ts';
import { settingsPatchSchema, settingsSchema } from './settings.ts';
import { importChoiceSchema, importPreviewSchema } from './transfer.ts';
import {
  credentialCheckSchema,
  profileInputSchema,
  profilePatchSchema,
  profileViewSchema,
  storeIssueSchema,
} from './views.ts';
import { COPY_FORMATS, LOCALES } from './vocabulary.ts';

/**
 * The IPC contract, written once: every channel's arguments and answer as schemas. Channel names,
 * argument and result types, the handlers' type and the preload API's type (api.ts) are all
 * derived from this table; main validates every payload and every answer against it.
 */

const id = z.string().check(z.minLength(1), z.maxLength(64));

export const secretProtectionSchema = z.union([
  z.object({
    kind: z.literal('keychain'),
    backend: z.enum(['macos_keychain', 'windows_dpapi', 'gnome_libsecret', 'kwallet']),
  }),
  z.object({ kind: z.literal('weak'), backend: z.literal('basic_text'), accepted: z.boolean() }),
  z.object({ kind: z.literal('unavailable') }),
]);
/** How secrets are protected on this machine, said plainly. */
export type SecretProtection = z.infer<typeof secretProtectionSchema>;

export const appEnvironmentSchema = z.object({
  platform: z.enum(['darwin', 'win32', 'linux', 'other']),
  locale: z.enum(LOCALES),
  version: z.string(),
  secretProtection: secretProtectionSchema,
  storeIssues: z.array(storeIssueSchema),
  /** Every provider the engine speaks, as data the window renders forms and cards from. */
  providers: z.array(catalogueEntrySchema),
});
export type AppEnvironment = z.infer<typeof appEnvironmentSchema>;

export const tokenUseSchema = z.object({
  at: z.number(),
  /** How the token left the app. */
  via: z.enum(['tray', 'window', 'cli', 'api', 'shortcut', 'gateway']),
  /** The client as it named itself (its User-Agent), shortened; `tray`/`window` for those. */
  client: z.string(),
  /** A call through the gateway: method, path (never the query), status, time taken. */
  call: z.optional(z.object({ method: z.string(), path: z.string(), status: z.number(), durationMs: z.number() })),
});
/** One token handed out: who took it and when, never the token. */
export type TokenUse = z.infer<typeof tokenUseSchema>;
const usesSchema = z.record(z.string(), z.array(tokenUseSchema));

/** A profile's gateway as the window shows it: where it is and how to call it; never a key or a token. */
export const gatewayInfoSchema = z.object({
  profile: z.object({ id: z.string(), name: z.string() }),
  provider: z.string(),
  origins: z.array(z.string()),
  base: z.object({ socket: z.nullable(z.string()), tcp: z.nullable(z.string()) }),
  snippets: z.array(z.object({ title: z.string(), text: z.string() })),
});

export type GatewayInfo = z.infer<typeof gatewayInfoSchema>;

export const apiStatusSchema = z.object({
  /** The socket (macOS, Linux) or named pipe (Windows) the CLI talks to. */
  endpoint: z.string(),
  listening: z.boolean(),
  /** `http://127.0.0.1:<port>` while the TCP listener is on. */
  tcpUrl: z.nullable(z.string()),
  /** Why a listener is down (`socket_path_too_long`, `EADDRINUSE`...). */
  problem: z.nullable(z.string()),
  /** The file holding the bearer secret. */
  secretFile: z.string(),
  /** The `tokentray` CLI shipped with this app, to run with Node. */
  cliPath: z.nullable(z.string()),
});
/** The local token API as Settings shows it. */
export type ApiStatus = z.infer<typeof apiStatusSchema>;

export const teamInfoSchema = z.object({
  enabled: z.boolean(),
  /** null while team mode is off. */
  connection: z.nullable(z.enum(['connecting', 'connected', 'unreachable'])),
  /** Why team mode could not start (`team_key_invalid`, `team_url_invalid`...), if so. */
  problem: z.nullable(z.string()),
  hasKey: z.boolean(),
  hasPassword: z.boolean(),
  /** The name this computer signs its refreshes with. */
  member: z.string(),
});
/** Team mode as Settings shows it; never the team key or the password. */
export type TeamInfo = z.infer<typeof teamInfoSchema>;

export const inspectionSchema = z.union([
  z.object({
    kind: z.literal('jwt'),
    header: z.record(z.string(), z.unknown()),
    claims: z.record(z.string(), z.unknown()),
  }),
  z.object({ kind: z.literal('opaque'), length: z.number() }),
]);
/** What a token says of itself (a JWT's header and claims), decoded in main; never the token. */
export type Inspection = z.infer<typeof inspectionSchema>;

export const networkInfoSchema = z.object({
  /** The extra authorities file chosen in Settings; '' when none. */
  caFile: z.string(),
  /** The subjects of the certificates read from it. */
  subjects: z.array(z.string()),
  /** Why the file is not used (`ca_file_unreadable`, `ca_file_invalid`), or null. */
  problem: z.nullable(z.string()),
  /** What the system's proxy settings say for the first provider's endpoint (`DIRECT`, `PROXY host:port`). */
  systemProxy: z.string(),
});
/** Settings → Network: certificates and proxy as the app sees them. */
export type NetworkInfo = z.infer<typeof networkInfoSchema>;

export const shortcutInfoSchema = z.object({
  accelerator: z.string(),
  /** The OS gave TokenTray the shortcut. */
  registered: z.boolean(),
  /** Why the saved shortcut is not held (`shortcut_taken`...), or null. */
  problem: z.nullable(z.string()),
  /** A Linux Wayland session, where global shortcuts depend on the desktop portal. */
  wayland: z.boolean(),
});
export type ShortcutInfo = z.infer<typeof shortcutInfoSchema>;

export const updateInfoSchema = z.union([
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('checking') }),
  z.object({ state: z.literal('current'), checkedAt: z.number() }),
  z.object({ state: z.literal('downloading'), version: z.string(), percent: z.number() }),
  /** Downloaded: a restart installs it. */
  z.object({ state: z.literal('ready'), version: z.string() }),
  z.object({ state: z.literal('error'), reason: z.string() }),
  /** `package_manager` (deb, rpm), `portable`, `not_packaged`. */
  z.object({ state: z.literal('unsupported'), reason: z.string() }),
]);
/** Where updating stands; the banner and Settings show it. */
export type UpdateInfo = z.infer<typeof updateInfoSchema>;

export const importResultSchema = z.object({
  added: z.array(profileViewSchema),
  failed: z.array(
    z.object({
      index: z.number(),
      name: z.string(),
      code: z.string(),
      messageKey: z.optional(z.string()),
      field: z.optional(z.string()),
    }),
  ),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export const INVOKE = {
  'profiles:list': { args: z.tuple([]), result: z.array(profileViewSchema) },
  'profiles:add': { args: z.tuple([profileInputSchema]), result: profileViewSchema },
  'profiles:update': { args: z.tuple([id, profilePatchSchema]), result: profileViewSchema },
  'profiles:remove': { args: z.tuple([id]), result: z.null() },
  'profiles:refresh': {
    /** `force` asks for a brand-new token where the provider allows it (WeChat), revoking the old one. */
    args: z.union([z.tuple([id]), z.tuple([id, z.strictObject({ force: z.optional(z.boolean()) })])]),
    result: profileViewSchema,
  },
  'profiles:test': { args: z.tuple([profileInputSchema]), result: credentialCheckSchema },
  'token:copy': {
    args: z.tuple([id, z.enum(COPY_FORMATS)]),
    /** Seconds until the clipboard is cleared, or 0 when it is not. */
    result: z.object({ clearsInSeconds: z.number() }),
  },
  /** The current token's header and claims when it is a JWT, decoded locally and sent nowhere. */
  'token:inspect': { args: z.tuple([id]), result: inspectionSchema },
  'token:reveal': {
    args: z.tuple([id]),
    /** The window hides the token again after `hideAfterMs`. */
    result: z.object({ token: z.string(), hideAfterMs: z.number() }),
  },
  'settings:get': { args: z.tuple([]), result: settingsSchema },
  'settings:set': { args: z.tuple([settingsPatchSchema]), result: settingsSchema },
  'app:environment': { args: z.tuple([]), result: appEnvironmentSchema },
  /** Recent uses of every profile's token. */
  'token:uses': { args: z.tuple([]), result: usesSchema },
  'api:status': { args: z.tuple([]), result: apiStatusSchema },
  'gateway:info': { args: z.tuple([z.string()]), result: gatewayInfoSchema },
  /** A new bearer secret: every client must read it again. */
  'api:regenerate-secret': { args: z.tuple([]), result: apiStatusSchema },
  /** The bearer secret onto the clipboard (for Postman, Bruno), cleared like a token. */
  'api:copy-secret': { args: z.tuple([]), result: z.object({ clearsInSeconds: z.number() }) },
  'team:info': { args: z.tuple([]), result: teamInfoSchema },
  /** Stores the team key and/or the Redis password (sealed with the OS keychain), then reconnects. */
  'team:set-secrets': {
    args: z.tuple([
      z.strictObject({
        teamKey: z.optional(z.string().check(z.maxLength(200))),
        password: z.optional(z.string().check(z.maxLength(1000))),
      }),
    ]),
    result: teamInfoSchema,
  },
  /** A new random team key, stored as this computer's; the window shows it once to be shared. */
  'team:new-key': { args: z.tuple([]), result: z.object({ teamKey: z.string() }) },
  /** The stored team key, shown on request so it can be given to another member. */
  'team:reveal-key': { args: z.tuple([]), result: z.object({ teamKey: z.string() }) },
  /** Exports profiles to a file chosen in a save dialog; with a passphrase, their keys too (sealed). */
  'profiles:export': {
    args: z.tuple([
      z.array(id).check(z.minLength(1), z.maxLength(10_000)),
      z.strictObject({ passphrase: z.optional(z.string().check(z.maxLength(1000))) }),
    ]),
    /** `path` is null when the user cancelled the dialog. */
    result: z.object({ path: z.nullable(z.string()), count: z.number() }),
  },
  /** Asks for an export file and previews it (null when cancelled); malformed and newer files are refused. */
  'import:open': { args: z.tuple([]), result: z.nullable(importPreviewSchema) },
  /** Opens the keys an export file carries with its passphrase. */
  'import:unlock': {
    args: z.tuple([id, z.string().check(z.maxLength(1000))]),
    result: importPreviewSchema,
  },
  /** Adds the chosen profiles under the chosen names; never replaces one. */
  'import:apply': {
    args: z.tuple([id, z.array(importChoiceSchema).check(z.maxLength(10_000))]),
    result: importResultSchema,
  },
  'shortcut:info': { args: z.tuple([]), result: shortcutInfoSchema },
  'updates:info': { args: z.tuple([]), result: updateInfoSchema },
  /** Looks for an update now (Settings' button). */
  'updates:check': { args: z.tuple([]), result: updateInfoSchema },
  /** Restarts into the downloaded update. */
  'updates:install': { args: z.tuple([]), result: z.null() },
  'network:info': { args: z.tuple([]), result: networkInfoSchema },
  /** Asks for a PEM file of extra certificate authorities; refuses one without certificates. */
  'network:choose-ca': { args: z.tuple([]), result: networkInfoSchema },
  'network:clear-ca': { args: z.tuple([]), result: networkInfoSchema },
} as const;

export type InvokeChannel = keyof typeof INVOKE;
export type InvokeArgs<C extends InvokeChannel> = z.output<(typeof INVOKE)[C]['args']>;
export type InvokeResult<C extends InvokeChannel> = z.output<(typeof INVOKE)[C]['result']>;
export const INVOKE_CHANNELS = Object.keys(INVOKE) as InvokeChannel[];

/** What main's side implements: one function per channel, checked against the schemas' types. */
export type InvokeHandlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResult<C>> | InvokeResult<C>;
};

/** Every main → window event and its payload. */
export const EVENTS = {
  'profiles:changed': z.array(profileViewSchema),
  'settings:changed': settingsSchema,
  /** A notification was clicked: show this profile. */
  'window:focus-profile': z.string(),
  /** The store's problems changed (a write started failing, or works again). */
  'store:issues': z.array(storeIssueSchema),
  /** Tokens were handed out (at most once a second). */
  'token:used': usesSchema,
  /** Team mode connected, lost its connection, or was reconfigured. */
  'team:changed': teamInfoSchema,
  /** An update is being checked, downloaded, or is ready to install. */
  'updates:changed': updateInfoSchema,
} as const;
export type EventChannel = keyof typeof EVENTS;
export type EventPayload<C extends EventChannel> = z.output<(typeof EVENTS)[C]>;

export type CopyResult = InvokeResult<'token:copy'>;
export type RevealResult = InvokeResult<'token:reveal'>;

/** Errors come back as values: a code, a catalog key, never a stack trace. */
export interface IpcError {
  code: string;
  message: string;
  messageKey?: string;
  field?: string;
}
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
