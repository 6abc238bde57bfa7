import { EventEmitter } from 'node:events';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  createMainWindow,
  hardenSession,
  type WindowDeps,
} from '../../../main/window/main-window.ts';
import { createWindowManager } from '../../../main/window/window-manager.ts';

/** Records what the window module does to a BrowserWindow; Electron cannot run here. */
class FakeWindow extends EventEmitter {
  options: BrowserWindowConstructorOptions;
  webContents = Object.assign(new EventEmitter(), {
    id: 3,
    sent: [] as unknown[][],
    openHandler: undefined as undefined | (() => { action: string }),
    setWindowOpenHandler(handler: () => { action: string }) {
      this.openHandler = handler;
    },
    send(...args: unknown[]) {
      this.sent.push(args);
    },
  });
  loaded?: string;
  visible = false;
  destroyed = false;
  constructor(options: BrowserWindowConstructorOptions) {
    super();
    this.options = options;
  }
  loadURL(url: string) {
    this.loaded = url;
    return Promise.resolve();
  }
  show() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

function deps(overrides: Partial<WindowDeps> = {}) {
  const created: FakeWindow[] = [];
  const base: WindowDeps = {
    create: (options) => {
      const window = new FakeWindow(options);
      created.push(window);
      return window as unknown as BrowserWindow;
    },
    session: {} as WindowDeps['session'],
    preloadPath: '/app/dist/preload/preload.cjs',
    pageUrl: 'app://tokentray/index.html',
    devTools: false,
    isQuitting: () => false,
    ...overrides,
  };
  return { base, created };
}

describe('the status window', () => {
  it('is isolated, sandboxed, without Node, with web security and no devtools in production', () => {
    const { base, created } = deps();
    createMainWindow(base);
    expect(created[0]?.options.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(created[0]?.loaded).toBe('app://tokentray/index.html');
  });

  it('denies new windows, navigation and webviews', () => {
    const { base, created } = deps();
    createMainWindow(base);
    const contents = created[0]?.webContents;
    expect(contents?.openHandler?.()).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      contents?.emit(event, { preventDefault: () => (prevented = true) });
      expect(prevented, event).toBe(true);
    }
  });

  it('hides instead of closing, unless the app is quitting', () => {
    let quitting = false;
    const { base, created } = deps({ isQuitting: () => quitting });
    createMainWindow(base);
    const window = created[0] as FakeWindow;
    window.show();
    let prevented = false;
    window.emit('close', { preventDefault: () => (prevented = true) });
    expect([prevented, window.visible]).toEqual([true, false]);
    quitting = true;
    prevented = false;
    window.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });

  it('denies every permission and sets the CSP on responses', () => {
    const granted: boolean[] = [];
    let headers: Record<string, string[]> = {};
    const session = {
      setPermissionRequestHandler: (handler: (wc: unknown, permission: string, cb: (ok: boolean) => void) => void) =>
        handler({}, 'media', (ok) => granted.push(ok)),
      setPermissionCheckHandler: (handler: () => boolean) => granted.push(handler()),
      webRequest: {
        onHeadersReceived: (
          handler: (details: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void,
        ) => handler({ responseHeaders: { 'x-a': ['1'] } }, (r) => (headers = r.responseHeaders)),
      },
    } as unknown as WindowDeps['session'];
    hardenSession(session);
    expect(granted).toEqual([false, false]);
    expect(headers).toEqual({ 'x-a': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it('is created once, shown on demand, and told which profile to show once loaded', () => {
    const { base, created } = deps();
    const windows = createWindowManager(base);
    windows.send('profiles:changed', []);
    windows.show('p1');
    windows.show();
    expect(created).toHaveLength(1);
    const window = created[0] as FakeWindow;
    expect(window.webContents.sent).toEqual([]);
    window.webContents.emit('did-finish-load');
    expect(window.webContents.sent).toEqual([['window:focus-profile', 'p1']]);
    windows.show('p2');
    expect(window.webContents.sent.at(-1)).toEqual(['window:focus-profile', 'p2']);
    window.destroyed = true;
    windows.show();
    expect(created).toHaveLength(2);
  });
});
