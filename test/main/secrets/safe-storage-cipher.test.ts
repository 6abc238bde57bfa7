import { describe, expect, it } from 'vitest';
import { createTokenService } from '../../../main/core/index.ts';
import { AppError } from '../../../main/desktop/app-error.ts';
import {
  createSafeStorageCipher,
  describeProtection,
  type SafeStorageLike,
} from '../../../main/secrets/safe-storage-cipher.ts';
import { createAesGcmCipher } from '../../support/aes-gcm-cipher.ts';
import { createEngineFixture } from '../../support/engine-fixture.ts';

/**
 * safeStorage needs the Electron runtime; this stand-in keeps its contract (Buffers, async,
 * `shouldReEncrypt` after a key rotation, a backend name) over real AES-256-GCM.
 */
function fakeSafeStorage(backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']>, available = true) {
  let keys = [createAesGcmCipher()];
  const state = { encryptCalls: 0 };
  const safeStorage: SafeStorageLike = {
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    async encryptStringAsync(plain) {
      state.encryptCalls += 1;
      return Buffer.from(await (keys[0] as ReturnType<typeof createAesGcmCipher>).encrypt(plain));
    },
    async decryptStringAsync(sealed) {
      for (const [index, key] of keys.entries()) {
        try {
          return { result: await key.decrypt(sealed.toString()), shouldReEncrypt: index > 0 };
        } catch {}
      }
      throw new Error('decrypt failed');
    },
  };
  return { safeStorage, state, rotate: () => (keys = [createAesGcmCipher(), ...keys]) };
}

describe('secret protection per OS', () => {
  it.each([
    ['darwin', 'unknown', { kind: 'keychain', backend: 'macos_keychain' }],
    ['win32', 'unknown', { kind: 'keychain', backend: 'windows_dpapi' }],
    ['linux', 'gnome_libsecret', { kind: 'keychain', backend: 'gnome_libsecret' }],
    ['linux', 'kwallet6', { kind: 'keychain', backend: 'kwallet' }],
    ['linux', 'basic_text', { kind: 'weak', backend: 'basic_text', accepted: false }],
  ] as const)('%s with %s', async (platform, backend, expected) => {
    expect(await describeProtection(fakeSafeStorage(backend).safeStorage, platform, false)).toEqual(expected);
  });

  it('says so when no encryption is available at all', async () => {
    expect(await describeProtection(fakeSafeStorage('gnome_libsecret', false).safeStorage, 'linux', false)).toEqual({
      kind: 'unavailable',
    });
  });
});

describe('the safeStorage cipher', () => {
  it('round-trips through the keychain', async () => {
    const cipher = createSafeStorageCipher({
      ...fakeSafeStorage('gnome_libsecret'),
      platform: 'linux',
      weakAccepted: () => false,
    });
    const sealed = await cipher.encrypt('secret-key-1');
    expect(sealed.startsWith('ss1:')).toBe(true);
    expect(sealed).not.toContain('secret-key-1');
    expect(await cipher.decrypt(sealed)).toBe('secret-key-1');
  });

  it('refuses to store secrets on a Linux without a keyring until the user accepts it', async () => {
    let accepted = false;
    const cipher = createSafeStorageCipher({
      ...fakeSafeStorage('basic_text'),
      platform: 'linux',
      weakAccepted: () => accepted,
    });
    const error = await cipher.encrypt('secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'weak_storage_not_accepted', messageKey: 'app.weak_storage_not_accepted' });
    accepted = true;
    expect(await cipher.decrypt(await cipher.encrypt('secret'))).toBe('secret');
  });

  it('refuses, with its own error, when the OS secret storage is unavailable', async () => {
    const cipher = createSafeStorageCipher({
      ...fakeSafeStorage('gnome_libsecret', false),
      platform: 'linux',
      weakAccepted: () => true,
    });
    expect(await cipher.encrypt('x').catch((e: unknown) => e)).toMatchObject({ code: 'encryption_unavailable' });
  });

  it('re-encrypts and saves a secret when the OS asks after a key rotation', async () => {
    const fake = fakeSafeStorage('gnome_libsecret');
    const fx = await createEngineFixture(
      {},
      { cipher: createSafeStorageCipher({ ...fake, platform: 'linux', weakAccepted: () => false }) },
    );
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    const before = fake.state.encryptCalls;
    fake.rotate();
    expect(await fx.service.getToken(id)).toBe(fx.server.issued[0]);
    expect(fake.state.encryptCalls).toBe(before + 1);
    await fx.service.refresh(id);
    expect(fake.state.encryptCalls).toBe(before + 4);
    await fx.dispose();
  });

  it('saves nothing when adding a profile is refused for weak storage', async () => {
    const fx = await createEngineFixture();
    await fx.service.close();
    const service = createTokenService({
      store: fx.temp.open().store,
      cipher: createSafeStorageCipher({
        ...fakeSafeStorage('basic_text'),
        platform: 'linux',
        weakAccepted: () => false,
      }),
    });
    expect(await service.addProfile(fx.baiduInput()).catch((e: unknown) => e)).toMatchObject({
      code: 'weak_storage_not_accepted',
    });
    expect(service.listProfiles()).toEqual([]);
    await service.close();
    await fx.dispose();
  });
});
