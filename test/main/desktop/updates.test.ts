import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type UpdaterPort, updateBlock } from '../../../main/desktop/updates.ts';
import { createDesktopFixture } from '../../support/desktop-fixture.ts';

/** electron-updater as it behaves: events in order, a download that finishes later. */
function fakeUpdater(next: 'newer' | 'current' | 'fails') {
  const emitter = new EventEmitter();
  const installs: [boolean | undefined, boolean | undefined][] = [];
  let checks = 0;
  const port = Object.assign(emitter, {
    async checkForUpdates() {
      checks++;
      emitter.emit('checking-for-update');
      if (next === 'fails') throw Object.assign(new Error('net::ERR_CONNECTION_REFUSED'), { name: 'HttpError' });
      if (next === 'current') {
        emitter.emit('update-not-available');
        return;
      }
      emitter.emit('update-available', { version: '0.2.0' });
      emitter.emit('download-progress', { percent: 42.7 });
      setTimeout(() => emitter.emit('update-downloaded', { version: '0.2.0' }), 10);
    },
    quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
      installs.push([isSilent, isForceRunAfter]);
    },
  }) as unknown as UpdaterPort;
  return { port, installs, checks: () => checks };
}

describe('updates on the desktop', () => {
  it('checks at start, downloads, asks with a notification and the window, and installs only when told', async () => {
    const updater = fakeUpdater('newer');
    const t = await createDesktopFixture({ updater: { block: null, load: async () => updater.port } });
    try {
      await t.desktop.start();
      await expect.poll(() => t.desktop.handlers['updates:info']()).toEqual({ state: 'ready', version: '0.2.0' });
      expect(updater.installs).toEqual([]);
      expect(
        t.sent.filter(([channel]) => channel === 'updates:changed').map(([, v]) => (v as { state: string }).state),
      ).toEqual(['checking', 'downloading', 'downloading', 'ready']);
      expect(t.notifications.at(-1)).toMatchObject({ title: 'TokenTray update ready' });
      expect(t.notifications.at(-1)?.body).toContain('Version 0.2.0 is downloaded');
      // A second check while one is downloaded changes nothing; the user's click installs it.
      await t.desktop.handlers['updates:check']();
      expect(updater.checks()).toBe(1);
      await t.desktop.handlers['updates:install']();
      expect(updater.installs).toEqual([[false, true]]);
    } finally {
      await t.fx.dispose();
    }
  });

  it('does not look when switched off, says when it failed, and checks again when switched back on', async () => {
    const updater = fakeUpdater('fails');
    const t = await createDesktopFixture({ updater: { block: null, load: async () => updater.port } });
    try {
      t.settings.update({ checkForUpdates: false });
      await t.desktop.start();
      expect(updater.checks()).toBe(0);
      await t.desktop.handlers['settings:set']({ checkForUpdates: true });
      await expect
        .poll(() => t.desktop.handlers['updates:info']())
        .toEqual({ state: 'error', reason: 'update_failed' });
      expect(updater.checks()).toBe(1);
      expect(t.logs.join('\n')).toContain('update check failed');
    } finally {
      await t.fx.dispose();
    }
  });

  it('names installations that cannot replace themselves', () => {
    const base = {
      isPackaged: true,
      platform: 'linux' as const,
      packageType: undefined,
      appImage: undefined,
      portable: false,
    };
    expect(updateBlock({ ...base, packageType: 'deb' })).toBe('package_manager');
    expect(updateBlock({ ...base, appImage: '/home/me/TokenTray.AppImage' })).toBeNull();
    expect(updateBlock(base)).toBe('portable');
    expect(updateBlock({ ...base, platform: 'win32', portable: true })).toBe('portable');
    expect(updateBlock({ ...base, platform: 'darwin' })).toBeNull();
    expect(updateBlock({ ...base, isPackaged: false })).toBe('not_packaged');
  });
});
