import type { StoredProfile } from './profile-store.ts';
import type { Credentials } from './providers/provider.ts';
import { MIN_USABLE_MS } from './refresh-policy.ts';
import type { Cipher } from './types.ts';

/** A decrypted value, and its cipher text sealed afresh when the OS rotated its key. */
interface Opened {
  plain: string;
  resealed?: string;
}

/**
 * Everything the engine does with cipher text: seal keys and tokens and open them again. It
 * changes nothing it is handed: a value sealed afresh after the OS rotated its key comes back for
 * the caller to store. A value that no longer opens is reported as missing, never thrown.
 */
export function createSecretBox(cipher: Cipher) {
  async function open(stored: string): Promise<Opened> {
    if (!cipher.decryptWithRotation) return { plain: await cipher.decrypt(stored) };
    const { plain, replacement } = await cipher.decryptWithRotation(stored);
    return replacement === undefined ? { plain } : { plain, resealed: replacement };
  }

  return {
    seal: (plain: string) => cipher.encrypt(plain),

    async sealKeys(apiKey: string, secretKey: string): Promise<StoredProfile['secrets']> {
      const [a, s] = await Promise.all([cipher.encrypt(apiKey), cipher.encrypt(secretKey)]);
      return { apiKey: a, secretKey: s };
    },

    /**
     * The profile's keys, or undefined when they cannot be decrypted here any more; `resealed`
     * holds their cipher text when the OS rotated its key and they should be stored again.
     */
    async readCredentials(
      secrets: StoredProfile['secrets'],
    ): Promise<{ credentials: Credentials; resealed?: StoredProfile['secrets'] } | undefined> {
      try {
        const [apiKey, secretKey, proxy] = await Promise.all([
          open(secrets.apiKey),
          open(secrets.secretKey),
          secrets.proxyPassword === undefined ? undefined : open(secrets.proxyPassword),
        ]);
        const credentials: Credentials = { apiKey: apiKey.plain, secretKey: secretKey.plain };
        if (proxy) credentials.proxyPassword = proxy.plain;
        if (apiKey.resealed === undefined && secretKey.resealed === undefined && proxy?.resealed === undefined) {
          return { credentials };
        }
        const resealed: StoredProfile['secrets'] = {
          apiKey: apiKey.resealed ?? secrets.apiKey,
          secretKey: secretKey.resealed ?? secrets.secretKey,
        };
        if (secrets.proxyPassword !== undefined) resealed.proxyPassword = proxy?.resealed ?? secrets.proxyPassword;
        return { credentials, resealed };
      } catch {
        return undefined;
      }
    },

    /**
     * The stored token if it has at least a minute left: `plain` when it opens, `unreadable` when
     * the keychain no longer opens it, `resealed` when it should be stored again.
     */
    async openToken(
      token: NonNullable<StoredProfile['token']>,
      now: number,
    ): Promise<{ plain?: string; resealed?: string; unreadable?: true }> {
      if (token.expiresAt !== undefined && token.expiresAt - now < MIN_USABLE_MS) return {};
      try {
        return await open(token.value);
      } catch {
        return { unreadable: true };
      }
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
