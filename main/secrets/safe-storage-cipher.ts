import type { SecretProtection } from '../contract/ipc.ts';
import type { Cipher } from '../core/index.ts';
import { AppError } from '../desktop/app-error.ts';
import type { SafeStorage } from '../electron-types.ts';

export type SafeStorageLike = Pick<
  SafeStorage,
  'encryptStringAsync' | 'decryptStringAsync' | 'isAsyncEncryptionAvailable' | 'getSelectedStorageBackend'
>;

/** Marks our cipher text so a future format change can tell old from new. */
const PREFIX = 'ss1:';

/** Which OS facility protects secrets here, said plainly; `basic_text` is a hard-coded key. */
export async function describeProtection(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
  weakAccepted: boolean,
): Promise<SecretProtection> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return { kind: 'unavailable' };
  if (platform === 'darwin') return { kind: 'keychain', backend: 'macos_keychain' };
  if (platform === 'win32') return { kind: 'keychain', backend: 'windows_dpapi' };
  const backend = safeStorage.getSelectedStorageBackend();
  if (backend === 'gnome_libsecret') return { kind: 'keychain', backend: 'gnome_libsecret' };
  if (backend.startsWith('kwallet')) return { kind: 'keychain', backend: 'kwallet' };
  return { kind: 'weak', backend: 'basic_text', accepted: weakAccepted };
}

/**
 * The engine's cipher on Electron's async safeStorage. Refuses to encrypt when the OS offers no
 * real protection and the user has not accepted that (VS Code's approach), rather than pretend.
 */
export function createSafeStorageCipher(deps: {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  weakAccepted(): boolean;
}): Required<Cipher> {
  const { safeStorage } = deps;

  async function encrypt(plain: string): Promise<string> {
    const protection = await describeProtection(safeStorage, deps.platform, deps.weakAccepted());
    if (protection.kind === 'unavailable') throw new AppError('encryption_unavailable');
    if (protection.kind === 'weak' && !protection.accepted) throw new AppError('weak_storage_not_accepted');
    const sealed = await safeStorage.encryptStringAsync(plain);
    return PREFIX + sealed.toString('base64');
  }

  async function decryptWithRotation(stored: string): Promise<{ plain: string; replacement?: string }> {
    if (!stored.startsWith(PREFIX)) throw new Error('not safeStorage cipher text');
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(
      Buffer.from(stored.slice(PREFIX.length), 'base64'),
    );
    if (!shouldReEncrypt) return { plain: result };
    try {
      return { plain: result, replacement: await encrypt(result) };
    } catch {
      // Reading must not fail because re-sealing did; it is retried on the next read.
      return { plain: result };
    }
  }

  return {
    encrypt,
    decryptWithRotation,
    decrypt: async (stored) => (await decryptWithRotation(stored)).plain,
  };
}
