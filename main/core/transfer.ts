import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportedProfile,
  type ExportFile,
  exportFileSchema,
  type ImportEntry,
  type ProfileKeys,
  profileKeysSchema,
  type SealedSecrets,
} from '../contract/transfer.ts';
import type { StoredProfile } from './profile-store.ts';
import type { SecretBox } from './secret-box.ts';

/**
 * Sealing exported keys with a passphrase and reading export files back. scrypt with OWASP's
 * parameters (N=2^17, r=8, p=1) makes each guess cost ~128 MiB and a few hundred ms; AES-256-GCM
 * binds the ciphertext to the file's format and version.
 */

const derive = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const COST = { N: 2 ** 17, r: 8, p: 1 };
const AAD = Buffer.from(`${EXPORT_FORMAT}/${EXPORT_VERSION}`);
const keyFor = (passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }) =>
  derive(passphrase.normalize('NFC'), salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 });

export const MIN_PASSPHRASE_LENGTH = 8;

/** Why a file cannot be imported: the catalog key under `app.`. */
export class TransferError extends Error {
  readonly code:
    | 'import_malformed'
    | 'import_newer_version'
    | 'import_passphrase_wrong'
    | 'export_passphrase_short'
    | 'export_keys_unreadable';
  constructor(code: TransferError['code']) {
    super(code);
    this.name = 'TransferError';
    this.code = code;
  }
}

export async function sealKeys(keys: ProfileKeys, passphrase: string): Promise<SealedSecrets> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new TransferError('export_passphrase_short');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await keyFor(passphrase, salt, COST), iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(JSON.stringify(keys), 'utf8'), cipher.final()]);
  return {
    kdf: 'scrypt',
    ...COST,
    salt: salt.toString('base64'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** The keys sealed in a file; a wrong passphrase (or a tampered file) is one error, said plainly. */
export async function openKeys(sealed: SealedSecrets, passphrase: string, count: number): Promise<ProfileKeys> {
  const key = await keyFor(passphrase, Buffer.from(sealed.salt, 'base64'), sealed);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    const keys = profileKeysSchema.safeParse(JSON.parse(plain.toString('utf8')));
    if (!keys.success || keys.data.length !== count) throw new TransferError('import_malformed');
    return keys.data;
  } catch (error) {
    if (error instanceof TransferError) throw error;
    throw new TransferError('import_passphrase_wrong');
  }
}

export function exportDocument(profiles: ExportedProfile[], secrets: SealedSecrets | undefined, app: string) {
  const file: ExportFile = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    app,
    profiles,
  };
  if (secrets) file.secrets = secrets;
  return file;
}

/** Reads an export file's text; refuses what is not one, and versions newer than this one knows. */
export function readExportFile(text: string): ExportFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TransferError('import_malformed');
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head?.format === EXPORT_FORMAT && typeof head.version === 'number' && head.version > EXPORT_VERSION) {
    throw new TransferError('import_newer_version');
  }
  const parsed = exportFileSchema.safeParse(raw);
  if (!parsed.success) throw new TransferError('import_malformed');
  return parsed.data;
}

/** `name`, or `name (2)`, `name (3)`... : the first that no profile uses yet. */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name.toLowerCase())) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** A stored profile's settings as exported: what it is and how it refreshes, never a key or token. */
export function exportedSettings(record: StoredProfile): ExportedProfile {
  const profile: ExportedProfile = { name: record.name, provider: record.provider, options: { ...record.options } };
  if (record.tokenUrl !== undefined) profile.tokenUrl = record.tokenUrl;
  if (record.refreshMarginMs !== undefined) profile.refreshMarginMs = record.refreshMarginMs;
  if (record.cron !== undefined) profile.cron = record.cron;
  if (record.proxy !== undefined) profile.proxy = record.proxy;
  if (record.shared) profile.shared = true;
  return profile;
}

/**
 * The export file for these profiles; with a passphrase, their keys too (sealed). Keys the
 * keychain no longer opens stop the export rather than leave a profile keyless.
 */
export async function exportRecords(
  records: readonly StoredProfile[],
  box: SecretBox,
  options: { passphrase?: string | undefined; app: string },
): Promise<ExportFile> {
  const profiles = records.map(exportedSettings);
  if (options.passphrase === undefined) return exportDocument(profiles, undefined, options.app);
  if (options.passphrase.length < MIN_PASSPHRASE_LENGTH) throw new TransferError('export_passphrase_short');
  const keys: ProfileKeys = [];
  for (const record of records) {
    const opened = await box.readCredentials(record.secrets);
    if (!opened) throw new TransferError('export_keys_unreadable');
    const { apiKey, secretKey, proxyPassword } = opened.credentials;
    keys.push(proxyPassword === undefined ? { apiKey, secretKey } : { apiKey, secretKey, proxyPassword });
  }
  return exportDocument(profiles, await sealKeys(keys, options.passphrase), options.app);
}

/** What the preview shows of each profile in a file: its name after conflicts, whether keys came with it. */
export function previewEntries(
  file: ExportFile,
  keys: ProfileKeys | undefined,
  existing: readonly string[],
  knownProvider: (id: string) => boolean,
): ImportEntry[] {
  const taken = new Set(existing.map((name) => name.toLowerCase()));
  return file.profiles.map((profile, index) => {
    const proposedName = freeName(profile.name.trim() || 'Imported', taken);
    taken.add(proposedName.toLowerCase());
    const entry: ImportEntry = {
      index,
      name: profile.name,
      provider: profile.provider,
      proposedName,
      conflict: proposedName !== profile.name,
      hasKeys: keys?.[index] !== undefined,
    };
    if (!knownProvider(profile.provider)) entry.problem = 'import_provider_unknown';
    return entry;
  });
}
