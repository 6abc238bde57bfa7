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
};
