/**
 * The window's page as far as main can tell: the app's real built preload, run the way a
 * sandboxed renderer runs it (a fresh VM context where only `require('electron')` works, and that
 * gives the renderer half: contextBridge and ipcRenderer), bridged to the stand-in's ipcMain. The
 * page's own script is not run here (the Chromium tests cover it); instead the test calls the API
 * the preload exposed, as the page would, and reads the events the page received.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

type Invoke = (channel: string, event: unknown, args: unknown[]) => Promise<unknown>;

export interface Page {
  url: string;
  /** What the preload put on `window` (its API under 'tokentray'). */
  exposed: Record<string, unknown>;
  /** Every event the page received from main, as [channel, payload]. */
  received: [string, unknown][];
  deliver(channel: string, args: unknown[]): void;
}

interface Sender {
  id: number;
  url: string;
}

export async function loadPage(
  url: string,
  preloadPath: string | undefined,
  sender: Sender,
  invoke: Invoke,
): Promise<Page> {
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  const page: Page = {
    url,
    exposed: {},
    received: [],
    deliver(channel, args) {
      page.received.push([channel, args[0]]);
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipc' }, ...args);
    },
  };
  if (!preloadPath) return page;
  const renderer = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        page.exposed[key] = api;
      },
    },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) =>
        invoke(channel, { sender, senderFrame: { url: sender.url, parent: null } }, args),
      on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
        listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      },
      removeListener(channel: string, listener: unknown) {
        listeners.set(
          channel,
          (listeners.get(channel) ?? []).filter((l) => l !== listener),
        );
      },
    },
  };
  const module = { exports: {} };
  runInNewContext(readFileSync(preloadPath, 'utf8'), {
    module,
    exports: module.exports,
    require(name: string) {
      if (name === 'electron') return renderer;
      throw new Error(`a sandboxed preload cannot require '${name}'`);
    },
  });
  return page;
}
