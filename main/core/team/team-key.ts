import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * The team key: 32 random bytes every member holds, shared out of band as one string. It seals
 * the tokens kept in Redis (AES-256-GCM) and names each credential there (HMAC-SHA-256), so Redis,
 * its operators, dumps and backups see neither a token nor an app id.
 */

const PREFIX = 'tt-team-1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TeamKeyError extends Error {
  constructor() {
    super('not a TokenTray team key');
    this.name = 'TeamKeyError';
  }
}

/** A fresh key as the text members paste: `tt-team-1.` and 43 base64url characters. */
export function newTeamKey(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The key's bytes; throws TeamKeyError for anything that is not one (spaces around it are forgiven). */
export function parseTeamKey(text: string): Buffer {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) throw new TeamKeyError();
  const body = trimmed.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]{43}$/.test(body)) throw new TeamKeyError();
  return Buffer.from(body, 'base64url');
}

/** What identifies one credential's token everywhere in the team. */
export interface CredentialIdentity {
  provider: string;
  /** Where its keys go: two endpoints hand out different tokens for the same id. */
  endpoint: string;
  apiKey: string;
}

/** The credential's name in Redis: prefix, provider and a keyed hash of endpoint and id. */
export function slotName(key: Buffer, prefix: string, identity: CredentialIdentity): string {
  const mac = createHmac('sha256', key).update(`${identity.endpoint}\n${identity.apiKey}`).digest('base64url');
  return `${prefix}:${identity.provider}:${mac.slice(0, 32)}`;
}

/**
 * Seals a value for one slot and generation: both are authenticated with it, so a sealed token
 * cannot be moved to another credential or replayed as a newer generation.
 */
export function sealForSlot(key: Buffer, slot: string, generation: number, plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${slot}\n${generation}`));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** The plain value, or undefined when it was not sealed with this key for this slot and generation. */
export function openForSlot(key: Buffer, slot: string, generation: number, sealed: string): string | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${slot}\n${generation}`));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** What a slot's sealed value holds: every field a member trusts, so none can be changed beside it. */
interface SealedToken {
  v: 2;
  token: string;
  obtainedAt: number;
  expiresAt?: number;
  refreshedBy: string;
}

/** Seals a shared token with all its fields (expiry, who fetched it) for its slot and generation. */
export function sealToken(
  key: Buffer,
  slot: string,
  shared: { token: string; generation: number; obtainedAt: number; expiresAt?: number; refreshedBy: string },
): string {
  const body: SealedToken = {
    v: 2,
    token: shared.token,
    obtainedAt: shared.obtainedAt,
    ...(shared.expiresAt === undefined ? {} : { expiresAt: shared.expiresAt }),
    refreshedBy: shared.refreshedBy,
  };
  return sealForSlot(key, slot, shared.generation, JSON.stringify(body));
}

/**
 * The shared token sealed for this slot and generation, every field taken from inside the seal;
 * undefined for anything else (another key, a value moved from another slot or generation, a
 * field changed, the format of an older version).
 */
export function openToken(
  key: Buffer,
  slot: string,
  generation: number,
  sealed: string,
): { token: string; generation: number; obtainedAt: number; expiresAt?: number; refreshedBy: string } | undefined {
  const plain = openForSlot(key, slot, generation, sealed);
  if (plain === undefined) return undefined;
  try {
    const body = JSON.parse(plain) as Partial<SealedToken>;
    if (body.v !== 2 || typeof body.token !== 'string' || typeof body.obtainedAt !== 'number') return undefined;
    if (typeof body.refreshedBy !== 'string') return undefined;
    if (body.expiresAt !== undefined && typeof body.expiresAt !== 'number') return undefined;
    return {
      token: body.token,
      generation,
      obtainedAt: body.obtainedAt,
      ...(body.expiresAt === undefined ? {} : { expiresAt: body.expiresAt }),
      refreshedBy: body.refreshedBy,
    };
  } catch {
    return undefined;
  }
}

/**
 * The team's key check value, kept in Redis beside the slots: an HMAC of a fixed label under the
 * team key, so a member with another key notices on connect instead of writing beside the team.
 */
export function keyCheckValue(key: Buffer): string {
  return createHmac('sha256', key).update('tokentray team key check v1').digest('base64url');
}
