import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../main/desktop/app-error.ts';
import { createDesktopFixture, type DesktopFixture } from '../../support/desktop-fixture.ts';
import { API_KEY, type EngineFixture, SECRET_KEY } from '../../support/engine-fixture.ts';

let t: DesktopFixture;
let fx: EngineFixture;
beforeEach(async () => {
  t = await createDesktopFixture();
  fx = t.fx;
});
afterEach(async () => {
  await fx.dispose();
});

describe('the shell', () => {
  it('draws the tray at start and redraws it, and tells the window, on every engine change', async () => {
    await t.desktop.start();
    expect(t.lastMenu()[0]?.label).toBe('No profiles yet');
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    expect(t.lastMenu()[0]?.label).toBe('ERNIE dev: Valid, expires in 30d');
    expect(t.sent.at(-1)?.[0]).toBe('profiles:changed');
    expect(JSON.stringify(t.sent)).not.toContain(fx.server.issued[0]);
  });

  it('copies the token from the tray in the chosen format, and clears the clipboard on quit', async () => {
    await t.desktop.start();
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    t.act({ type: 'copy', profileId: id, format: 'url' });
    await vi.waitFor(() => expect(t.clip.text).toBe(`access_token=${fx.server.issued[0]}`));
    await t.desktop.shutdown();
    expect(t.clip.text).toBe('');
    expect(t.tickCalls).toEqual(['stop']);
  });

  it('puts the pinned and the last copied profiles at the top of a tray with fifty profiles', async () => {
    await t.desktop.start();
    const views = [];
    for (let i = 0; i < 50; i++) views.push(await fx.service.addProfile(fx.baiduInput({ name: `Profile ${i}` })));
    const [pinned, copied] = [views[30], views[12]];
    await t.desktop.handlers['settings:set']({ pinnedProfileId: pinned?.id ?? '' });
    t.act({ type: 'copy', profileId: copied?.id ?? '', format: 'raw' });
    await vi.waitFor(() => expect(t.clip.text).not.toBe(''));
    await fx.service.refresh(views[0]?.id ?? '');
    const top = t
      .lastMenu()
      .slice(0, 3)
      .map((item) => item.label?.split(' — ')[0]);
    expect(top).toEqual(['Profile 30', 'Profile 12', undefined]);
    expect(t.lastMenu().find((item) => item.label === 'All profiles (50)')?.type).toBe('submenu');
  });

  it('explains in a notification when there is no token to copy', async () => {
    await t.desktop.start();
    fx.server.behave({ type: 'error', error: 'invalid_client', description: 'unknown client id', status: 401 });
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    t.notifications.length = 0;
    t.act({ type: 'copy', profileId: id, format: 'raw' });
    await vi.waitFor(() => expect(t.notifications).toHaveLength(1));
    expect(t.notifications[0]?.title).toBe('ERNIE dev: nothing copied');
    expect(t.clip.text).toBe('');
  });

  it('notifies a failure once, and a click opens the window on that profile', async () => {
    await t.desktop.start();
    fx.server.behave({ type: 'error', error: 'invalid_grant', status: 400 });
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    await fx.service.refresh(id);
    expect(t.notifications.map((n) => n.title)).toEqual(['ERNIE dev: refresh failed']);
    t.notifications[0]?.click();
    expect(t.shownWindows).toEqual([id]);
  });

  it('announces that refreshing works again after the keys are fixed in the window', async () => {
    await t.desktop.start();
    const { id } = await fx.service.addProfile(fx.baiduInput({ secretKey: 'wrong-secret-0001' }));
    await vi.waitFor(() => expect(t.notifications.map((n) => n.title)).toEqual(['ERNIE dev: refresh failed']));
    await t.desktop.handlers['profiles:update'](id, { apiKey: API_KEY, secretKey: SECRET_KEY });
    await vi.waitFor(() =>
      expect(t.notifications.map((n) => n.title)).toEqual([
        'ERNIE dev: refresh failed',
        'ERNIE dev: refresh works again',
      ]),
    );
  });

  it('turns start at login on from the tray and shows it ticked', async () => {
    await t.desktop.start();
    t.act({ type: 'toggle-login' });
    await vi.waitFor(() => expect(t.login()).toBe(true));
    expect(t.settings.get().startAtLogin).toBe(true);
    expect(t.lastMenu().find((item) => item.type === 'checkbox')?.checked).toBe(true);
  });

  it('says why start at login could not be turned on, and leaves it off', async () => {
    const refusing = await createDesktopFixture({ loginRefuses: new AppError('login_item_unsupported') });
    try {
      await refusing.desktop.start();
      refusing.act({ type: 'toggle-login' });
      await vi.waitFor(() => expect(refusing.notifications).toHaveLength(1));
      expect(refusing.notifications[0]).toMatchObject({
        title: 'Start at login was not changed',
        body: expect.stringContaining('works in the installed app'),
      });
      expect(refusing.settings.get().startAtLogin).toBe(false);
      expect(refusing.lastMenu().find((item) => item.type === 'checkbox')?.checked).toBe(false);
    } finally {
      await refusing.fx.dispose();
    }
  });

  it('refuses to copy a token in a form its provider does not accept', async () => {
    await t.desktop.start();
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    await expect(t.desktop.handlers['token:copy'](id, 'header')).rejects.toMatchObject({ code: 'format_unsupported' });
    await expect(t.desktop.handlers['token:copy'](id, 'powershell')).rejects.toMatchObject({
      code: 'format_unsupported',
    });
    expect(t.clip.text).toBe('');
  });

  it('switches the tray to Chinese when the language setting changes', async () => {
    await t.desktop.start();
    await t.desktop.commands.setSettings({ language: 'zh-CN' });
    expect(t.lastMenu()[0]?.label).toBe('还没有配置');
    expect(t.sent.at(-2)).toEqual(['settings:changed', expect.objectContaining({ language: 'zh-CN' })]);
  });

  it('moves every next refresh when the default refresh margin changes, and tells the window', async () => {
    await t.desktop.start();
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    await t.desktop.commands.setSettings({ defaultRefreshMarginMinutes: 24 * 60 });
    const [channel, views] = t.sent.at(-1) as [string, { nextRefreshAt: number }[]];
    expect(channel).toBe('profiles:changed');
    expect(views[0]?.nextRefreshAt).toBe(fx.now() + 29 * 24 * 3_600_000);
  });

  it('pauses the tick before sleep and resumes it on wake', async () => {
    await t.desktop.suspend();
    await t.desktop.resume();
    expect(t.tickCalls).toEqual(['pause', 'resume']);
  });

  it('reveals a token only through the explicit command, and quits from the tray', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    expect(await t.desktop.handlers['token:reveal'](id)).toEqual({ token: fx.server.issued[0], hideAfterMs: 10_000 });
    t.act({ type: 'quit' });
    await vi.waitFor(() => expect(t.quits()).toBe(1));
  });
});
