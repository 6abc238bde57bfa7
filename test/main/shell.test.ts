import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClipboardGuard } from '../../main/clipboard-guard.ts';
import { createRedactor } from '../../main/log-redaction.ts';
import { createNotifier } from '../../main/notifier.ts';
import { createSettingsStore } from '../../main/settings.ts';
import { createShell } from '../../main/shell.ts';
import type { TrayAction, TrayMenuInput } from '../../main/tray-menu.ts';
import { buildTrayMenu } from '../../main/tray-menu.ts';
import { createEngineFixture, type EngineFixture, recordingLogger } from '../support/engine-fixture.ts';

/** The shell over the real engine (fake token server, real store and cipher) and recording adapters. */
async function setup() {
  const fx = await createEngineFixture();
  const clip = { text: '' };
  const renders: Omit<TrayMenuInput, 'platform'>[] = [];
  const sent: [string, unknown][] = [];
  const shownWindows: (string | undefined)[] = [];
  const notifications: { title: string; body: string; click(): void }[] = [];
  const tickCalls: string[] = [];
  let loginEnabled = false;
  let act: (action: TrayAction) => void = () => undefined;
  let quit = 0;

  const settings = createSettingsStore(fx.temp.store);
  const logs: string[] = [];
  const shell = createShell({
    service: fx.service,
    settings,
    tick: {
      pause: async () => void tickCalls.push('pause'),
      resume: async () => void tickCalls.push('resume'),
      stop: async () => void tickCalls.push('stop'),
    },
    redactor: createRedactor(),
    clipboard: createClipboardGuard({
      clipboard: {
        write: async (items) => {
          clip.text = String(items[0]?.['text/plain'] ?? '');
        },
        writeText: async (text) => {
          clip.text = text;
        },
        readText: async () => clip.text,
        clear: () => {
          clip.text = '';
        },
      },
      makeItem: (record: Record<string, string | Blob>) => record,
      platform: 'linux',
      logger: recordingLogger(logs),
    }),
    loginItem: {
      isEnabled: async () => loginEnabled,
      setEnabled: async (enabled) => {
        loginEnabled = enabled;
      },
    },
    createTray: (onAction) => {
      act = onAction;
      return { render: (input) => void renders.push(input), destroy: () => undefined };
    },
    createNotifier: (onClick) =>
      createNotifier({
        isSupported: () => true,
        onClick,
        create: (options) => {
          const handlers: Record<string, () => void> = {};
          notifications.push({
            title: String(options.title),
            body: String(options.body),
            click: () => handlers.click?.(),
          });
          return { on: (event, handler) => (handlers[event] = handler), show: () => undefined };
        },
      }),
    windows: {
      show: (id) => void shownWindows.push(id),
      send: (channel, payload) => void sent.push([channel, payload]),
    },
    environment: async (locale) => ({
      platform: 'linux',
      locale,
      version: '0.1.0',
      secretProtection: { kind: 'unavailable' },
      storeIssues: [],
    }),
    systemLanguages: () => ['en-US'],
    now: fx.now,
    logger: recordingLogger(logs),
    quit: () => void quit++,
  });
  const lastMenu = () => {
    const input = renders.at(-1);
    if (!input) throw new Error('tray never rendered');
    return buildTrayMenu({ ...input, platform: 'linux' });
  };
  return {
    fx,
    shell,
    settings,
    clip,
    renders,
    sent,
    shownWindows,
    notifications,
    tickCalls,
    act: (a: TrayAction) => act(a),
    lastMenu,
    logs,
    login: () => loginEnabled,
    quits: () => quit,
  };
}

let t: Awaited<ReturnType<typeof setup>>;
let fx: EngineFixture;
beforeEach(async () => {
  t = await setup();
  fx = t.fx;
});
afterEach(async () => {
  await fx.dispose();
});

describe('the shell', () => {
  it('draws the tray at start and redraws it, and tells the window, on every engine change', async () => {
    await t.shell.start();
    expect(t.lastMenu()[0]?.label).toBe('No profiles yet');
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    expect(t.lastMenu()[0]?.label).toBe('ERNIE dev: Valid, expires in 30d');
    expect(t.sent.at(-1)?.[0]).toBe('profiles:changed');
    expect(JSON.stringify(t.sent)).not.toContain(fx.server.issued[0]);
  });

  it('copies the token from the tray in the chosen format, and clears the clipboard on quit', async () => {
    await t.shell.start();
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    t.act({ type: 'copy', profileId: id, format: 'url' });
    await vi.waitFor(() => expect(t.clip.text).toBe(`access_token=${fx.server.issued[0]}`));
    await t.shell.shutdown();
    expect(t.clip.text).toBe('');
    expect(t.tickCalls).toEqual(['stop']);
  });

  it('explains in a notification when there is no token to copy', async () => {
    await t.shell.start();
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
    await t.shell.start();
    fx.server.behave({ type: 'error', error: 'invalid_grant', status: 400 });
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    await fx.service.refresh(id);
    expect(t.notifications.map((n) => n.title)).toEqual(['ERNIE dev: refresh failed']);
    t.notifications[0]?.click();
    expect(t.shownWindows).toEqual([id]);
  });

  it('turns start at login on from the tray and shows it ticked', async () => {
    await t.shell.start();
    t.act({ type: 'toggle-login' });
    await vi.waitFor(() => expect(t.login()).toBe(true));
    expect(t.settings.get().startAtLogin).toBe(true);
    expect(t.lastMenu().find((item) => item.type === 'checkbox')?.checked).toBe(true);
  });

  it('switches the tray to Chinese when the language setting changes', async () => {
    await t.shell.start();
    await t.shell.commands.setSettings({ language: 'zh-CN' });
    expect(t.lastMenu()[0]?.label).toBe('还没有配置');
    expect(t.sent.at(-1)).toEqual(['settings:changed', expect.objectContaining({ language: 'zh-CN' })]);
  });

  it('pauses the tick before sleep and resumes it on wake', async () => {
    await t.shell.suspend();
    await t.shell.resume();
    expect(t.tickCalls).toEqual(['pause', 'resume']);
  });

  it('reveals a token only through the explicit command, and quits from the tray', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    expect(await t.shell.handlers['token:reveal'](id)).toEqual({ token: fx.server.issued[0], hideAfterMs: 10_000 });
    t.act({ type: 'quit' });
    await vi.waitFor(() => expect(t.quits()).toBe(1));
  });
});
