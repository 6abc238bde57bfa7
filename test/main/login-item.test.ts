import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTOSTART_FILE, autostartEntry, createLoginItem } from '../../main/login-item.ts';

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
    const item = createLoginItem({ platform: 'linux', app, autostartDir, execPath: '/opt/Token Tray/tokentray' });
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

  it.each(['darwin', 'win32'] as const)('uses the OS login items on %s', async (platform) => {
    const { app, calls } = fakeApp();
    const item = createLoginItem({ platform, app, autostartDir: '/nonexistent', execPath: 'x' });
    await item.setEnabled(true);
    expect(calls).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
    expect(await item.isEnabled()).toBe(true);
  });

  it('quotes an AppImage path with special characters per the Desktop Entry spec', () => {
    expect(autostartEntry('/home/me/Apps/Token$Tray.AppImage')).toContain(
      'Exec="/home/me/Apps/Token\\$Tray.AppImage" --hidden',
    );
    expect(autostartEntry('/usr/bin/tokentray')).toContain('Exec=/usr/bin/tokentray --hidden');
  });
});
