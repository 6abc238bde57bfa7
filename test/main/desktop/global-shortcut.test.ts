import { describe, expect, it, vi } from 'vitest';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { API_KEY, SECRET_KEY } from '../../support/engine-fixture.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

let t: DesktopFixture;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);

const press = async (accelerator: string) => {
  t.shortcutState.held.get(accelerator)?.();
  // The copy runs through the engine and the clipboard guard: give it its turn.
  await new Promise((resolve) => setTimeout(resolve, 50));
};

describe('the global shortcut', () => {
  it('copies the pinned profile’s token from anywhere, says so, and records the use', async () => {
    const h = t.desktop.handlers;
    await h['settings:set']({ shortcut: 'CommandOrControl+Shift+T' });
    expect([...t.shortcutState.held.keys()]).toEqual(['CommandOrControl+Shift+T']);
    expect(await h['shortcut:info']()).toMatchObject({ registered: true, problem: null, wayland: false });

    await press('CommandOrControl+Shift+T');
    expect(t.notifications.at(-1)?.body).toContain('No profile is pinned');

    const view = await t.fx.service.addProfile({
      name: 'ERNIE prod',
      provider: 'baidu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: t.fx.server.baiduUrl,
    });
    await h['settings:set']({ pinnedProfileId: view.id });
    await press('CommandOrControl+Shift+T');
    await vi.waitFor(() => expect(t.clip.text).toBe(t.fx.server.issued[0]));
    expect(t.notifications.at(-1)?.body).toBe('ERNIE prod: token copied; the clipboard is cleared in 60 s.');
    expect(t.notifications.at(-1)?.body).not.toContain(t.clip.text);
    expect((await h['token:uses']())[view.id]?.[0]).toMatchObject({ via: 'shortcut' });
  });

  it('refuses a shortcut another app holds or one that is not a shortcut, keeping the old one', async () => {
    const h = t.desktop.handlers;
    await h['settings:set']({ shortcut: 'Alt+F5' });
    t.shortcutState.taken.push('CommandOrControl+Alt+K');
    await expect(h['settings:set']({ shortcut: 'CommandOrControl+Alt+K' })).rejects.toMatchObject({
      code: 'shortcut_taken',
    });
    await expect(h['settings:set']({ shortcut: 'not a shortcut' })).rejects.toMatchObject({ code: 'shortcut_invalid' });
    expect(t.settings.get().shortcut).toBe('Alt+F5');
    expect([...t.shortcutState.held.keys()]).toEqual(['Alt+F5']);
    await h['settings:set']({ shortcut: '' });
    expect(t.shortcutState.held.size).toBe(0);
  });
});
