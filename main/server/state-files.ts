import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cipher } from '../core/index.ts';

/**
 * The server's state folder (0700): the tokens it holds, sealed with a key kept beside them
 * (`state.key`, 0600). A server has no OS keychain; the folder's permissions, the service user
 * and the disk's encryption protect that key, as they would any server credential.
 */
export async function openStateFolder(dir: string): Promise<{ key: Buffer; cipher: Cipher }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, 'state.key');
  let key: Buffer;
  try {
    key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length !== 32) throw new Error('state.key is damaged');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    key = randomBytes(32);
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return { key, cipher: aesGcmCipher(key) };
}

/** AES-256-GCM with a random 96-bit IV per value; a wrong key fails authentication. */
function aesGcmCipher(key: Buffer): Cipher {
  return {
    async encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `gcm1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    async decrypt(stored) {
      const raw = Buffer.from(stored.replace(/^gcm1:/, ''), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** A keyed fingerprint of a profile's configuration and keys: changes when either does. */
export function fingerprint(key: Buffer, value: unknown): string {
  return createHmac('sha256', key).update(JSON.stringify(value)).digest('base64url');
}
