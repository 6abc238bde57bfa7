import type { StoredProfile } from './profile-store.ts';
import type { Credentials } from './providers/provider.ts';
import { MIN_USABLE_MS } from './refresh-policy.ts';
import type { Cipher, Logger } from './types.ts';

/**
 * Everything the engine does with cipher text: seal keys and tokens, open them again, and store
 * a freshly sealed copy when the OS rotated its key. A value that no longer opens is reported
 * as missing, never thrown past the engine.
 */
export function createSecretBox(cipher: Cipher, log: Logger, onResealed: () => void) {
  /** Decrypts, and stores a re-encrypted copy when the cipher says its key was rotated. */
  async function open(stored: string, replace: (fresh: string) => void): Promise<string> {
    if (!cipher.decryptWithRotation) return cipher.decrypt(stored);
    const { plain, replacement } = await cipher.decryptWithRotation(stored);
    if (replacement !== undefined) {
      replace(replacement);
      onResealed();
    }
    return plain;
  }

  return {
    seal: (plain: string) => cipher.encrypt(plain),

    async sealKeys(apiKey: string, secretKey: string): Promise<StoredProfile['secrets']> {
      const [a, s] = await Promise.all([cipher.encrypt(apiKey), cipher.encrypt(secretKey)]);
      return { apiKey: a, secretKey: s };
    },

    /** The profile's keys, or undefined when they cannot be decrypted here any more. */
    async readCredentials(record: StoredProfile): Promise<Credentials | undefined> {
      const secrets = record.secrets;
      try {
        const [apiKey, secretKey] = await Promise.all([
          open(secrets.apiKey, (fresh) => {
            secrets.apiKey = fresh;
          }),
          open(secrets.secretKey, (fresh) => {
            secrets.secretKey = fresh;
          }),
        ]);
        return { apiKey, secretKey };
      } catch {
        return undefined;
      }
    },

    /** The stored token if it has at least a minute left and still decrypts; else undefined. */
    async usableToken(record: StoredProfile, now: number): Promise<string | undefined> {
      const token = record.token;
      if (!token) return undefined;
      if (token.expiresAt !== undefined && token.expiresAt - now < MIN_USABLE_MS) return undefined;
      try {
        return await open(token.value, (fresh) => {
          token.value = fresh;
        });
      } catch {
        // The keychain no longer opens it; a fresh token replaces it.
        if (record.token === token) record.token = undefined;
        log.warn('stored token cannot be decrypted', { profile: record.id });
        return undefined;
      }
    },
  };
}
