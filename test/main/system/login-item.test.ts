import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTOSTART_FILE, autostartEntry, createLoginItem, loginLaunchTarget } from '../../../main/system/login-item.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fakeApp() {
  let settings = { openAtLogin: false };
  const calls: unknown[] = [];
  const app = {
    setLoginItemSettings: (s: { openAtLogin?: boolean }) => {
      calls.push(s);
      settings = { openAtLogin: Boolean(s.openAtLogin) };
    },
    getLoginItemSettings: () => settings,
  } as unknown as Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  return { app, calls };
}

describe('start at login', () => {
  it('writes and removes an XDG autostart entry on Linux', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tokentray-autostart-'));
    dirs.push(home);
    const autostartDir = join(home, '.config/autostart');
    const { app, calls } = fakeApp();
    const item = createLoginItem({
      platform: 'linux',
      app,
      autostartDir,
      launch: { path: '/opt/Token Tray/tokentray', args: ['--hidden'] },
    });
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    expect(await item.isEnabled()).toBe(true);
    const entry = readFileSync(join(autostartDir, AUTOSTART_FILE), 'utf8');
    expect(entry).toContain('Exec="/opt/Token Tray/tokentray" --hidden\n');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
    expect(statSync(join(autostartDir, AUTOSTART_FILE)).mode & 0o777).toBe(0o644);
    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('registers the Windows login item by the path and arguments it starts', async () => {
    const { app, calls } = fakeApp();
    const launch = { path: 'C:\\Users\\me\\TokenTray-portable.exe', args: ['--hidden'] };
    const item = createLoginItem({ platform: 'win32', app, autostartDir: '/nonexistent', launch });
    await item.setEnabled(true);
    expect(calls).toEqual([{ openAtLogin: true, ...launch }]);
    expect(await item.isEnabled()).toBe(true);
  });

  it('uses the macOS login items, which take no path or arguments', async () => {
    const { app, calls } = fakeApp();
    const launch = { path: '/Applications/TokenTray.app/Contents/MacOS/TokenTray', args: ['--hidden'] };
    const item = createLoginItem({ platform: 'darwin', app, autostartDir: '/nonexistent', launch });
    await item.setEnabled(true);
    expect(calls).toEqual([{ openAtLogin: true }]);
  });

  it('refuses, with a reason, where start at login cannot work', async () => {
    const { app, calls } = fakeApp();
    const item = createLoginItem({ platform: 'darwin', app, autostartDir: '/nonexistent', launch: undefined });
    await expect(item.setEnabled(true)).rejects.toMatchObject({ code: 'login_item_unsupported' });
    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('quotes an AppImage path with special characters per the Desktop Entry spec', () => {
    expect(autostartEntry({ path: '/home/me/Apps/Token$Tray.AppImage', args: ['--hidden'] })).toContain(
      'Exec="/home/me/Apps/Token\\$Tray.AppImage" --hidden',
    );
    expect(autostartEntry({ path: '/usr/bin/tokentray', args: ['--hidden'] })).toContain(
      'Exec=/usr/bin/tokentray --hidden',
    );
  });
});

describe('what starts at login', () => {
  const base = { execPath: '/tmp/.mount_TokenTabc/tokentray', appPath: '/work/tokentray', env: {} };
  it.each([
    [
      'a Windows portable build: the .exe the user has, not its temporary unpack folder',
      {
        platform: 'win32',
        isPackaged: true,
        execPath: 'C:\\Users\\me\\AppData\\Local\\Temp\\2abc\\TokenTray.exe',
        env: { PORTABLE_EXECUTABLE_FILE: 'D:\\Tools\\TokenTray-0.1.0-portable.exe' },
      },
      { path: 'D:\\Tools\\TokenTray-0.1.0-portable.exe', args: ['--hidden'] },
    ],
    [
      'an installed Windows build',
      { platform: 'win32', isPackaged: true, execPath: 'C:\\Program Files\\TokenTray\\TokenTray.exe' },
      { path: 'C:\\Program Files\\TokenTray\\TokenTray.exe', args: ['--hidden'] },
    ],
    [
      'an AppImage: the file, not its temporary mount',
      { platform: 'linux', isPackaged: true, env: { APPIMAGE: '/home/me/TokenTray.AppImage' } },
      { path: '/home/me/TokenTray.AppImage', args: ['--hidden'] },
    ],
    [
      'a deb install',
      { platform: 'linux', isPackaged: true, execPath: '/opt/TokenTray/tokentray' },
      { path: '/opt/TokenTray/tokentray', args: ['--hidden'] },
    ],
    [
      'a development run on Linux: Electron with the app folder',
      { platform: 'linux', isPackaged: false, execPath: '/work/tokentray/node_modules/electron/dist/electron' },
      { path: '/work/tokentray/node_modules/electron/dist/electron', args: ['/work/tokentray', '--hidden'] },
    ],
    ['a development run on macOS: not possible', { platform: 'darwin', isPackaged: false }, undefined],
  ] as const)('%s', (_label, input, expected) => {
    expect(loginLaunchTarget({ ...base, ...input })).toEqual(expected);
  });

  it('writes an unpackaged Linux autostart entry that starts the app, not bare Electron', () => {
    const launch = loginLaunchTarget({
      ...base,
      platform: 'linux',
      isPackaged: false,
      execPath: '/w/node_modules/electron/dist/electron',
    });
    expect(autostartEntry(launch ?? { path: '', args: [] })).toContain(
      'Exec=/w/node_modules/electron/dist/electron /work/tokentray --hidden\n',
    );
  });
});
