import * as z from 'zod/mini';
import { LOCALES, NOTICE_KINDS, type NoticeKind } from './vocabulary.ts';

const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

export const settingsSchema = z.object({
  /** Seconds before a copied token is wiped from the clipboard; 0 = never. */
  clipboardClearSeconds: int(0, 3600),
  startAtLogin: z.boolean(),
  language: z.enum(['system', ...LOCALES]),
  notifications: z.object(
    Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, z.boolean()])) as Record<NoticeKind, z.ZodMiniBoolean>,
  ),
  /** Refresh this many minutes before expiry unless a profile says otherwise; 0 = automatic. */
  defaultRefreshMarginMinutes: int(0, 30 * 24 * 60),
  /** Linux without a keyring: the user accepted that secrets are only obfuscated. */
  allowWeakSecretStorage: z.boolean(),
  /** The local token API also listens on 127.0.0.1 (for API clients that cannot use its socket). */
  apiTcpEnabled: z.boolean(),
  /** Its port there. */
  apiTcpPort: int(1024, 65_535),
  /** A PEM file of extra certificate authorities token requests trust (a company's proxy CA); '' = none. */
  extraCaFile: z.string().check(z.maxLength(4096)),
  /** The global shortcut that copies the pinned profile's token (Electron accelerator); '' = off. */
  shortcut: z.string().check(z.maxLength(100)),
  /** The profile the shortcut copies; '' = none. */
  pinnedProfileId: z.string().check(z.maxLength(64)),
  /** Look for updates at start and daily, download them in the background, ask before restarting. */
  checkForUpdates: z.boolean(),
  /** Team mode: shared profiles' tokens live in the team's Redis (secrets are stored apart, sealed). */
  team: z.object({
    enabled: z.boolean(),
    /** `redis://` or `rediss://` host and port; no password in it (it is kept in the keychain). */
    url: z.string().check(z.maxLength(500)),
    username: z.string().check(z.maxLength(200)),
    prefix: z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[\w.:-]+$/)),
    role: z.enum(['member', 'reader']),
    /** How this computer is named as "refreshed by"; empty: user@host. */
    member: z.string().check(z.maxLength(100)),
    /** A member may refresh shared profiles alone while Redis cannot be reached. */
    soloWhenUnreachable: z.boolean(),
  }),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z.strictObject(z.partial(settingsSchema).shape);

export const DEFAULT_SETTINGS: Settings = {
  clipboardClearSeconds: 60,
  startAtLogin: false,
  language: 'system',
  notifications: { refreshFailed: true, expired: true, expiringSoon: true, recovered: true },
  defaultRefreshMarginMinutes: 0,
  allowWeakSecretStorage: false,
  apiTcpEnabled: false,
  apiTcpPort: 47_615,
  extraCaFile: '',
  shortcut: '',
  pinnedProfileId: '',
  checkForUpdates: true,
  team: {
    enabled: false,
    url: '',
    username: '',
    prefix: 'tokentray',
    role: 'member',
    member: '',
    soloWhenUnreachable: false,
  },
};
