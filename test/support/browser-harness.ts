import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createIpcGuard, type SenderEvent } from '../../main/ipc/ipc-guard.ts';
import { createDesktopFixture, type DesktopFixtureOptions } from './desktop-fixture.ts';
import { recordingLogger } from './engine-fixture.ts';

export const ROOT = join(import.meta.dirname, '../..');
const RENDERER = join(ROOT, 'dist/renderer');

/** Builds main, preload and renderer exactly as `npm start` does. */
export function buildApp(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
}

/** Debian's Chromium where it is installed; otherwise Playwright's own browser, if it has one. */
export function chromiumPath(): string | undefined {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((path): path is string => Boolean(path && existsSync(path)));
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  return chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
};

/**
 * Serves the built renderer (or another build's, `root`) on loopback (Chromium will not run module
 * scripts from file://).
 */
export async function serveRenderer(root = RENDERER): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end(); // Chromium asks; Electron does not.
      return;
    }
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs the built preload in the page with `require('electron')` answered by a bridge: invoke
 * goes to the real IPC guard and handlers in this process, events come back from the desktop.
 */
function bridgeScript(preload: string): string {
  return `(() => {
    const listeners = {};
    window.__tokentrayEmit = (channel, payload) => (listeners[channel] || []).forEach((fn) => fn({ sender: 'ipc' }, payload));
    const electron = {
      contextBridge: { exposeInMainWorld: (key, api) => { window[key] = api; } },
      ipcRenderer: {
        invoke: (channel, ...args) => window.__tokentrayInvoke(channel, args),
        on: (channel, fn) => { (listeners[channel] ||= []).push(fn); },
        removeListener: (channel, fn) => { listeners[channel] = (listeners[channel] || []).filter((f) => f !== fn); },
      },
    };
    const module = { exports: {} };
    (function (require, module, exports) {
      ${preload}
    })((name) => { if (name === 'electron') return electron; throw new Error('sandboxed preload cannot require ' + name); }, module, module.exports);
  })();`;
}

/**
 * The status window in real Chromium, talking to the real engine (fake token server over real
 * HTTP, conf store, AES-256-GCM) through the same preload API the app exposes.
 */
export async function openWindow(
  browser: Browser,
  rendererUrl: string,
  options: DesktopFixtureOptions & { colorScheme?: 'light' | 'dark'; locale?: string } = {},
) {
  let page: Page | undefined;
  const desktop = await createDesktopFixture({
    ...options,
    service: { now: () => Date.now(), ...options.service },
    onSend: (channel, payload) => {
      // Before the page exists there is nobody to tell; the page loads the current state itself.
      void page
        ?.evaluate(([c, p]) => (globalThis as any).__tokentrayEmit?.(c, p), [channel, payload] as const)
        .catch(() => undefined);
    },
  });
  const logs: string[] = [];
  const guard = createIpcGuard({
    handlers: desktop.desktop.handlers,
    isTrustedSender: () => true,
    logger: recordingLogger(logs),
  });
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    viewport: { width: 880, height: 640 },
    deviceScaleFactor: 1,
  });
  page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.exposeFunction('__tokentrayInvoke', (channel: string, args: unknown[]) =>
    guard.dispatch(channel, {} as SenderEvent, args),
  );
  await page.addInitScript(bridgeScript(readFileSync(join(ROOT, 'dist/preload/preload.cjs'), 'utf8')));
  await desktop.desktop.start();
  await page.goto(rendererUrl);
  return {
    page,
    ...desktop,
    errors,
    async close() {
      await context.close();
      await desktop.fx.dispose();
    },
  };
}

export type WindowHarness = Awaited<ReturnType<typeof openWindow>>;

/** One Chromium and one server of the built renderer per test file, started before its tests. */
export function useChromium() {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveRenderer>> | undefined;
  beforeAll(async () => {
    server = await serveRenderer();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = () => {
    if (!browser || !server) throw new Error('browser not started');
    return { browser, server };
  };
  return { browser: () => started().browser, url: () => started().server.url };
}

/**
 * One Chromium and one renderer server per test file; `open` gives each test its own window.
 * After each test every window it opened is closed (once), and none may have logged a page error.
 */
export function useBrowser() {
  const chromium = useChromium();
  const opened: WindowHarness[] = [];
  afterEach(async () => {
    const windows = opened.splice(0);
    const errors = windows.flatMap((window) => window.errors);
    await Promise.all(windows.map((window) => window.close()));
    expect(errors).toEqual([]);
  });
  return {
    async open(options?: Parameters<typeof openWindow>[2]) {
      const window = await openWindow(chromium.browser(), chromium.url(), options);
      const close = window.close;
      let closing: Promise<void> | undefined;
      window.close = () => {
        closing ??= close();
        return closing;
      };
      opened.push(window);
      return window;
    },
  };
}
