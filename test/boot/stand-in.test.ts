import { afterAll, describe, expect, it } from 'vitest';
import {
  app,
  BrowserWindow,
  ipcMain,
  nativeImage,
  releaseMessageLoop,
  safeStorage,
  standIn,
  Tray,
} from '../support/headless/electron-stand-in.ts';

afterAll(() => releaseMessageLoop());

/** The boot test is only as good as the stand-in is strict: each refusal here is one it relies on. */
describe('the stand-in electron', () => {
  it('refuses windows, trays and safeStorage before ready, and records it even when the error is caught', async () => {
    await app.whenReady();
    standIn.ready = false; // as it is while Electron starts
    expect(() => new Tray(nativeImage.createFromPath(`${import.meta.dirname}/stand-in.test.ts`))).toThrow(
      /before the app is ready/,
    );
    expect(() => new BrowserWindow({})).toThrow(/before the app is ready/);
    await expect(safeStorage.encryptStringAsync('x')).rejects.toThrow(/before the app is ready/);
    expect(standIn.violations).toHaveLength(3);
    standIn.ready = true;
    expect(() => new BrowserWindow({})).not.toThrow();
  });

  it('refuses the deprecated synchronous safeStorage calls', () => {
    expect(() => safeStorage.encryptString()).toThrow(/deprecated/);
    expect(() => safeStorage.decryptString()).toThrow(/deprecated/);
    expect(() => safeStorage.isEncryptionAvailable()).toThrow(/deprecated/);
  });

  it('refuses an icon file that does not exist, and a second handler for one channel', () => {
    expect(() => nativeImage.createFromPath('/nonexistent/tray.png')).toThrow(/icon file missing/);
    ipcMain.handle('x', () => 1);
    expect(() => ipcMain.handle('x', () => 2)).toThrow(/a second handler/);
  });

  it('decrypts what it encrypted, like a keychain that stays the same across restarts', async () => {
    const sealed = await safeStorage.encryptStringAsync('secret value');
    expect(sealed.toString('latin1')).not.toContain('secret value');
    expect(await safeStorage.decryptStringAsync(sealed)).toEqual({ result: 'secret value', shouldReEncrypt: false });
  });
});
