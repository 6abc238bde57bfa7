import * as z from 'zod/mini';

/**
 * The profiles export file: versioned JSON, settings in the clear, keys only when the user asks,
 * and then sealed with a passphrase (scrypt + AES-256-GCM). Importers refuse versions newer than
 * they know rather than guess.
 */

export const EXPORT_FORMAT = 'tokentray-profiles';
export const EXPORT_VERSION = 1;

const text = (max: number) => z.string().check(z.maxLength(max));

export const exportedProfileSchema = z.object({
  name: text(1000),
  provider: text(64),
  tokenUrl: z.optional(text(2048)),
  options: z.optional(z.record(z.string(), z.unknown())),
  refreshMarginMs: z.optional(z.number()),
  cron: z.optional(text(200)),
  /** `direct` or a proxy URL without its password (the password travels with the keys). */
  proxy: z.optional(text(2048)),
  shared: z.optional(z.boolean()),
});
export type ExportedProfile = z.infer<typeof exportedProfileSchema>;

const b64 = z.string().check(z.maxLength(4_000_000), z.regex(/^[A-Za-z0-9+/]*={0,2}$/));
export const sealedSecretsSchema = z.object({
  kdf: z.literal('scrypt'),
  /** scrypt cost parameters, as written: a later version may raise them. */
  N: z.int().check(z.gte(1024), z.lte(2 ** 20)),
  r: z.int().check(z.gte(1), z.lte(32)),
  p: z.int().check(z.gte(1), z.lte(16)),
  salt: b64,
  cipher: z.literal('aes-256-gcm'),
  iv: b64,
  tag: b64,
  /** The keys of each profile, in the same order, as encrypted JSON. */
  data: b64,
});
export type SealedSecrets = z.infer<typeof sealedSecretsSchema>;

export const exportFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  /** The app that wrote it (`TokenTray 0.1.0`), for the reader's information. */
  app: z.optional(text(200)),
  profiles: z.array(exportedProfileSchema).check(z.maxLength(10_000)),
  secrets: z.optional(sealedSecretsSchema),
});
export type ExportFile = z.infer<typeof exportFileSchema>;

export const profileKeysSchema = z.array(
  z.object({ apiKey: z.string(), secretKey: z.string(), proxyPassword: z.optional(z.string()) }),
);
export type ProfileKeys = z.infer<typeof profileKeysSchema>;

/** One profile of a file being imported, as the preview shows it: never its keys. */
export const importEntrySchema = z.object({
  index: z.number(),
  name: z.string(),
  provider: z.string(),
  /** The name it will get: its own, or one with a number when a profile already has it. */
  proposedName: z.string(),
  conflict: z.boolean(),
  /** The file carries its keys (unlocked with the passphrase). */
  hasKeys: z.boolean(),
  /** Why it cannot be imported as is (an unknown provider...), as a catalog key. */
  problem: z.optional(z.string()),
});
export type ImportEntry = z.infer<typeof importEntrySchema>;

export const importPreviewSchema = z.object({
  /** Names the file held in main between preview and import. */
  ticket: z.string(),
  file: z.string(),
  /** The file carries keys sealed with a passphrase. */
  encrypted: z.boolean(),
  /** The passphrase has been given and was right. */
  unlocked: z.boolean(),
  entries: z.array(importEntrySchema),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const importChoiceSchema = z.strictObject({
  index: z.int().check(z.gte(0)),
  name: text(1000),
  /** Keys typed in the preview, for entries whose file carries none. */
  apiKey: z.optional(text(10_000)),
  secretKey: z.optional(text(10_000)),
});
export type ImportChoice = z.infer<typeof importChoiceSchema>;
