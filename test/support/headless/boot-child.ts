/**
 * Runs the built app (dist/main/start.js) under plain Node with the stand-in `electron`, and
 * answers the test's commands over the fork IPC channel. Started by boot-harness.ts only.
 *
 * A module resolve hook maps `electron` to the stand-in for both `import` and `require`. The
 * clock can be moved forward (a machine that slept for weeks) by shifting Date.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import './stand-in-hook.ts';

// A clock that can jump: everything in the app (engine, node-cron, Date.now) reads this one.
const RealDate = Date;
let offset = 0;
class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...(args as [string]));
  }
  static override now(): number {
    return RealDate.now() + offset;
  }
}
globalThis.Date = ShiftedDate as DateConstructor;

const { standIn, app, powerMonitor, ipcMain } = await import('./electron-stand-in.ts');
const { inspect } = await import('./stand-in-inspect.ts');
// The last word before the process ends: what the app left behind as it quit.
app.on('quit', () => process.send?.({ final: inspect(standIn) }));

type Command = { id: number; op: string; args: unknown[] };

const ops: Record<string, (...args: any[]) => unknown> = {
  state: () => inspect(standIn),
  async api(name: string, ...args: unknown[]) {
    const window = standIn.windows.findLast((w) => !w.destroyed);
    const api = window?.webContents.page?.exposed.tokentray as Record<string, (...a: unknown[]) => unknown> | undefined;
    if (!api) throw new Error('no window with the preload API is open');
    return api[name]?.(...args);
  },
  /** Clicks a tray menu item found by the start of its label, through submenus. */
  tray(...path: string[]) {
    let items = standIn.trays.at(-1)?.menu ?? [];
    for (const [index, part] of path.entries()) {
      const item = items.find((i) => i.label?.startsWith(part));
      if (!item)
        throw new Error(`no tray item starting with "${part}" in ${JSON.stringify(items.map((i) => i.label))}`);
      if (index === path.length - 1) {
        if (item.enabled === false) throw new Error(`tray item "${item.label}" is disabled`);
        item.click?.();
      } else items = item.submenu ?? [];
    }
    return null;
  },
  /** The next dialogs' answers: paths, or null for Cancel. */
  answerDialogs(...paths: (string | null)[]) {
    standIn.dialogAnswers.push(...paths);
    return null;
  },
  /** The OS proxy settings change (what session.resolveProxy answers). */
  setProxyPac(pac: string) {
    standIn.proxyPac = pac;
    return null;
  },
  takeShortcut(accelerator: string) {
    standIn.takenShortcuts.push(accelerator);
    return null;
  },
  /** The user presses a global shortcut; false when the app holds none by that name. */
  pressShortcut(accelerator: string) {
    const callback = standIn.shortcuts.get(accelerator);
    callback?.();
    return callback !== undefined;
  },
  clickNotification(index: number) {
    standIn.notifications.at(index)?.emit('click');
    return null;
  },
  power(event: string) {
    powerMonitor.emit(event);
    return null;
  },
  advanceClock(ms: number) {
    offset += ms;
    return null;
  },
  quit() {
    app.quit();
    return null;
  },
  async fetch(url: string) {
    const handler = standIn.protocolHandlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) throw new Error(`no handler for ${url}`);
    const response = await handler(new Request(url));
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  },
  /** A navigation, popup or webview attempt on a web contents: whether the app refused it. */
  attempt(contentsIndex: number, event: string, ...args: unknown[]) {
    const contents = standIn.webContents.at(contentsIndex);
    if (!contents) throw new Error('no such web contents');
    if (event === 'window-open') return contents.openHandler?.({ url: String(args[0]) }).action ?? 'allow';
    return contents.attempt(event, ...args);
  },
  /** An invoke from a sender other than our page. */
  async foreignInvoke(channel: string, sender: { id?: number; url: string; subframe?: boolean }, ...args: unknown[]) {
    const window = standIn.windows.findLast((w) => !w.destroyed);
    const event = {
      sender: { id: sender.id ?? window?.webContents.id ?? 0 },
      senderFrame: { url: sender.url, parent: sender.subframe ? {} : null },
    };
    return ipcMain.invokeFromRenderer(channel, event, args);
  },
  /** A message to an IPC listener registered with `on`, if any is left. */
  emitIpc(channel: string) {
    const event: { returnValue?: unknown } = {};
    const heard = ipcMain.emit(channel, event);
    return { heard, returnValue: event.returnValue ?? null };
  },
  /** What keeps the process alive: each handle's kind, and for a server where it listens. */
  handles: () =>
    (
      process as unknown as {
        _getActiveHandles(): { constructor: { name: string }; address?(): unknown; fd?: number }[];
      }
    )
      ._getActiveHandles()
      .map((handle) => {
        const address = typeof handle.address === 'function' ? handle.address() : undefined;
        return `${handle.constructor.name}${address ? ` ${JSON.stringify(address)}` : ''}${handle.fd !== undefined ? ` fd ${handle.fd}` : ''}`;
      }),
};

process.on('message', (message: Command) => {
  Promise.resolve()
    .then(() => {
      const op = ops[message.op];
      if (!op) throw new Error(`unknown op ${message.op}`);
      return op(...message.args);
    })
    .then(
      (value) => process.send?.({ id: message.id, ok: true, value: value === undefined ? null : value }),
      (error: unknown) =>
        process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
});
// The channel to the test must not keep the process alive: the app has to end it on its own.
process.channel?.unref();
process.send?.({ id: 0, ok: true, value: 'loaded' });

standIn.marks.bundleImport = performance.now();
await import(pathToFileURL(join(standIn.config.appPath, 'dist/main/start.js')).href);
standIn.marks.bundleEvaluated = performance.now();
