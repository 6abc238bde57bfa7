import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Cipher } from '../../main/core/index.ts';

/**
 * A real AES-256-GCM cipher standing in for safeStorage, which needs the Electron runtime.
 * A wrong key fails authentication, exactly like a reset keychain.
 */
export function createAesGcmCipher(
  key: Buffer = randomBytes(32),
): Cipher & { key: Buffer; calls: { encrypt: number; decrypt: number } } {
  const calls = { encrypt: 0, decrypt: 0 };
  return {
    key,
    calls,
    async encrypt(plain) {
      calls.encrypt += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    async decrypt(stored) {
      calls.decrypt += 1;
      if (!stored.startsWith('v1:')) throw new Error('unknown cipher text format');
      const raw = Buffer.from(stored.slice(3), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
