/**
 * A strict stand-in for the `electron` module, for running the built `dist/main` bundle under
 * plain Node (the Electron binary cannot be downloaded on our build machines). It implements the
 * main-process API the app uses, as Electron 45 documents it, and it is stricter than Electron:
 * it refuses use before `ready`, the deprecated synchronous safeStorage calls, an icon file that
 * does not exist and a second handler for one IPC channel, and it records every such violation so
 * that an app that catches the error still fails the test. Everything the app does is observable
 * through `standIn` (see boot-child.ts, which drives it for the test).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { acquireSingleInstanceLock, releaseSingleInstanceLock } from './single-instance.ts';
import { loadPage, type Page } from './stand-in-page.ts';

export interface StandInConfig {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  appPath: string;
  /** Where Electron would put userData and logs on this OS; the app may move userData (setPath). */
  userData: string;
  logs: string;
  /** Derives the "OS keychain" key: the same value across restarts decrypts the same secrets. */
  keychainSeed: string;
  argv: string[];
  /** `process.resourcesPath`, which Electron sets: the installers' resources folder when packaged. */
  resourcesPath?: string;
}

const config: StandInConfig = JSON.parse(process.env.TOKENTRAY_STAND_IN ?? '{}');
// Electron sets this on `process` before the app's code runs.
Object.assign(process, { resourcesPath: config.resourcesPath ?? join(config.appPath ?? '.', 'resources') });

/** What the app did, for the test to read. */
export const standIn = {
  config,
  ready: false,
  violations: [] as string[],
  calls: [] as string[],
  paths: {
    userData: config.userData,
    logs: config.logs,
    documents: join(config.userData ?? '.', '..', 'Documents'),
  } as Record<string, string>,
  setPathCalls: [] as [string, string][],
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  windows: [] as StandInWindow[],
  trays: [] as StandInTray[],
  notifications: [] as StandInNotification[],
  clipboard: { text: '', formats: [] as string[] },
  loginItem: { openAtLogin: false, path: undefined as string | undefined, args: [] as string[] },
  quit: { beforeQuit: 0, willQuit: 0, quit: 0, exitCode: undefined as number | undefined },
  webContents: [] as StandInWebContents[],
  /** What the next open/save dialogs answer (a path, or null for Cancel), in order. */
  dialogAnswers: [] as (string | null)[],
  /** The options of every dialog shown. */
  dialogs: [] as { kind: 'open' | 'save'; options: unknown }[],
  /** What session.resolveProxy answers for every URL (PAC notation), as the OS settings would. */
  proxyPac: 'DIRECT',
  /** Accelerators another application holds: registering them fails, as Electron's does. */
  takenShortcuts: [] as string[],
  shortcuts: new Map<string, () => void>(),
  /** performance.now() at moments the start-up benchmark measures between. */
  marks: {} as Record<string, number>,
};

function record(call: string): void {
  standIn.calls.push(call);
}

function violate(message: string): never {
  standIn.violations.push(message);
  throw new Error(`electron stand-in: ${message}`);
}

function needReady(what: string): void {
  record(what);
  if (!standIn.ready) violate(`${what} used before the app is ready`);
}

class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

// ---------------------------------------------------------------------------------------------
// app

/**
 * Electron's own message loop keeps the process running until quit, whatever the app holds open.
 * This timer plays that part; quit releases it, so after quit only what the app forgot to close
 * can keep the process alive.
 */
const messageLoop = setInterval(() => undefined, 2 ** 30);

/** Lets a test that imports the stand-in directly end without quitting an app. */
export function releaseMessageLoop(): void {
  clearInterval(messageLoop);
}

class App extends EventEmitter {
  readonly name = 'TokenTray';
  readonly isPackaged = config.isPackaged;
  private readyPromise: Promise<void>;
  private exited = false;
  readonly dock = { hide: () => record('app.dock.hide'), show: async () => record('app.dock.show') };
  /** Chromium switches: features must be switched on before ready to take effect. */
  readonly commandLine = {
    appendSwitch: (name: string, value?: string) => {
      record(`app.commandLine.appendSwitch:${name}=${value ?? ''}`);
      if (standIn.ready) violate(`app.commandLine.appendSwitch('${name}') after ready has no effect`);
    },
  };

  constructor() {
    super();
    this.readyPromise = new Promise((resolve) => {
      setImmediate(() => {
        standIn.marks.ready = performance.now();
        standIn.ready = true;
        this.emit('ready');
        resolve();
      });
    });
  }
  whenReady = () => this.readyPromise;
  isReady = () => standIn.ready;
  enableSandbox(): void {
    record('app.enableSandbox');
    if (standIn.ready) violate('app.enableSandbox() called after ready');
  }
  getName = () => this.name;
  getVersion = () =>
    (JSON.parse(readFileSync(join(config.appPath, 'package.json'), 'utf8')) as { version: string }).version;
  getAppPath = () => config.appPath;
  getPath(name: string): string {
    record(`app.getPath:${name}`);
    const path = standIn.paths[name];
    if (!path) violate(`app.getPath('${name}') is not a path the stand-in knows`);
    return path;
  }
  setPath(name: string, path: string): void {
    standIn.setPathCalls.push([name, path]);
    standIn.paths[name] = path;
  }
  setAppUserModelId = (id: string) => record(`app.setAppUserModelId:${id}`);
  getPreferredSystemLanguages = () => ['en-US'];
  getLoginItemSettings = (_options?: unknown) => ({ openAtLogin: standIn.loginItem.openAtLogin });
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void {
    standIn.loginItem = { openAtLogin: settings.openAtLogin, path: settings.path, args: settings.args ?? [] };
  }
  relaunch(): void {
    record('app.relaunch');
  }
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock');
    return acquireSingleInstanceLock(standIn.paths.userData ?? config.userData, config.argv, (argv) =>
      this.emit('second-instance', new PreventableEvent(), argv, process.cwd()),
    );
  }
  /** Electron's sequence: before-quit, close every window (one that refuses cancels), will-quit, quit. */
  quit(): void {
    record('app.quit');
    if (this.exited) return;
    const before = new PreventableEvent();
    standIn.quit.beforeQuit += 1;
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    for (const window of standIn.windows.filter((w) => !w.destroyed)) {
      if (!window.close()) return;
    }
    const will = new PreventableEvent();
    standIn.quit.willQuit += 1;
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    standIn.quit.quit += 1;
    this.exited = true;
    this.emit('quit', new PreventableEvent(), 0);
    // Electron would end the process here whatever is still open; the stand-in lets Node end it
    // on its own, so a timer or socket the app forgot keeps it alive and the test sees that.
    clearInterval(messageLoop);
    releaseSingleInstanceLock();
  }
  exit(code = 0): void {
    record(`app.exit:${code}`);
    standIn.quit.exitCode = code;
    clearInterval(messageLoop);
    releaseSingleInstanceLock();
    process.exit(code);
  }
}

export const app = new App();

// ---------------------------------------------------------------------------------------------
// web contents, windows

let nextId = 1;

export class StandInWebContents extends EventEmitter {
  readonly id = nextId++;
  url = '';
  openHandler: ((details: unknown) => { action: string }) | undefined;
  page: Page | undefined;
  destroyed = false;
  constructor() {
    super();
    standIn.webContents.push(this);
    app.emit('web-contents-created', new PreventableEvent(), this);
  }
  setWindowOpenHandler(handler: (details: unknown) => { action: string }): void {
    this.openHandler = handler;
  }
  /** IPC from main to the page: serialized like Electron's structured clone. */
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) violate(`webContents.send('${channel}') after destroy`);
    this.page?.deliver(channel, structuredClone(args));
  }
  isDestroyed = () => this.destroyed;
  getURL = () => this.url;
  /** What a page or the user would try: true when the app refused it. */
  attempt(event: string, ...args: unknown[]): boolean {
    const prevented = new PreventableEvent();
    this.emit(event, prevented, ...args);
    return prevented.defaultPrevented;
  }
}

export class StandInWindow extends EventEmitter {
  readonly webContents = new StandInWebContents();
  readonly options: Record<string, unknown>;
  visible = false;
  destroyed = false;
  constructor(options: Record<string, unknown>) {
    super();
    needReady('new BrowserWindow');
    if (typeof options.icon === 'string' && !existsSync(options.icon)) violate(`window icon missing: ${options.icon}`);
    this.options = options;
    standIn.windows.push(this);
  }
  async loadURL(url: string): Promise<void> {
    record(`window.loadURL:${url}`);
    this.webContents.url = url;
    // Our own scheme is answered by the app's handler, as Chromium would ask it; a page it does
    // not serve is a failed load.
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = standIn.protocolHandlers.get(scheme);
    if (handler) {
      const response = await handler(new Request(url));
      if (response.status !== 200) {
        this.webContents.emit('did-fail-load', new PreventableEvent(), response.status, 'not served', url);
        return;
      }
    }
    const preload = (this.options.webPreferences as { preload?: string } | undefined)?.preload;
    this.webContents.page = await loadPage(url, preload, this.webContents, (channel, event, args) =>
      ipcMain.invokeFromRenderer(channel, event, args),
    );
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
  }
  show(): void {
    this.visible = true;
    this.emit('show');
  }
  hide(): void {
    this.visible = false;
    this.emit('hide');
  }
  focus = () => record('window.focus');
  restore = () => record('window.restore');
  isMinimized = () => false;
  isVisible = () => this.visible;
  isDestroyed = () => this.destroyed;
  /** Closes unless a 'close' listener prevents it; returns whether it closed. */
  close(): boolean {
    const event = new PreventableEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    return true;
  }
}
export const BrowserWindow = StandInWindow;

// ---------------------------------------------------------------------------------------------
// IPC

class IpcMain extends EventEmitter {
  handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown): void {
    record(`ipcMain.handle:${channel}`);
    if (standIn.handlers.has(channel)) violate(`a second handler for '${channel}'`);
    standIn.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    standIn.handlers.delete(channel);
  }
  /** ipcRenderer.invoke as it arrives in main: arguments and result cross a structured clone. */
  async invokeFromRenderer(channel: string, event: unknown, args: unknown[]): Promise<unknown> {
    const handler = standIn.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
}
export const ipcMain = new IpcMain();

// ---------------------------------------------------------------------------------------------
// tray, menus, images, notifications

export interface MenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: MenuItem[];
  click?: () => void;
}

export const Menu = {
  buildFromTemplate(template: MenuItem[]) {
    needReady('Menu.buildFromTemplate');
    return { items: template };
  },
};

export const nativeImage = {
  createFromPath(path: string) {
    record('nativeImage.createFromPath');
    if (!existsSync(path)) violate(`icon file missing: ${path}`);
    return { path, isEmpty: () => false };
  },
};

export class StandInTray extends EventEmitter {
  menu: MenuItem[] = [];
  tooltip = '';
  image: { path: string };
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    needReady('new Tray');
    if (!image?.path) violate('Tray created without an image from nativeImage');
    this.image = image;
    standIn.trays.push(this);
  }
  setContextMenu(menu: { items: MenuItem[] }): void {
    standIn.marks.trayMenu ??= performance.now();
    this.menu = menu.items;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setImage(image: { path: string }): void {
    this.image = image;
  }
  destroy(): void {
    record('tray.destroy');
    this.destroyed = true;
  }
}
export const Tray = StandInTray;

export class StandInNotification extends EventEmitter {
  static isSupported = () => true;
  readonly title: string;
  readonly body: string;
  shown = false;
  constructor(options: { title: string; body?: string }) {
    super();
    needReady('new Notification');
    this.title = options.title;
    this.body = options.body ?? '';
    standIn.notifications.push(this);
  }
  show(): void {
    this.shown = true;
  }
}
export const Notification = StandInNotification;

// ---------------------------------------------------------------------------------------------
// clipboard

export class ClipboardItem {
  readonly record: Record<string, string | Blob>;
  constructor(record: Record<string, string | Blob>) {
    this.record = record;
  }
}

export const clipboard = {
  async write(items: ClipboardItem[]) {
    const [item] = items;
    if (!(item instanceof ClipboardItem)) violate('clipboard.write() needs ClipboardItem objects');
    standIn.clipboard = { text: String(item.record['text/plain'] ?? ''), formats: Object.keys(item.record) };
  },
  async writeText(text: string) {
    standIn.clipboard = { text, formats: ['text/plain'] };
  },
  async readText() {
    return standIn.clipboard.text;
  },
  clear() {
    standIn.clipboard = { text: '', formats: [] };
  },
};

// ---------------------------------------------------------------------------------------------
// safeStorage: real AES-256-GCM under a key that stands in for the OS keychain

const keychainKey = createHash('sha256')
  .update(config.keychainSeed ?? 'stand-in')
  .digest();

export const safeStorage = {
  async isAsyncEncryptionAvailable() {
    needReady('safeStorage.isAsyncEncryptionAvailable');
    return true;
  },
  getSelectedStorageBackend() {
    needReady('safeStorage.getSelectedStorageBackend');
    return config.platform === 'linux' ? 'gnome_libsecret' : 'unknown';
  },
  async encryptStringAsync(plain: string) {
    needReady('safeStorage.encryptStringAsync');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keychainKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  },
  async decryptStringAsync(sealed: Buffer) {
    needReady('safeStorage.decryptStringAsync');
    const decipher = createDecipheriv('aes-256-gcm', keychainKey, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    const result = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    return { result, shouldReEncrypt: false };
  },
  encryptString: () => violate('safeStorage.encryptString is deprecated: use encryptStringAsync'),
  decryptString: () => violate('safeStorage.decryptString is deprecated: use decryptStringAsync'),
  isEncryptionAvailable: () => violate('safeStorage.isEncryptionAvailable is deprecated'),
};

// ---------------------------------------------------------------------------------------------
// protocol, session, power

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    record('protocol.registerSchemesAsPrivileged');
    if (standIn.ready) violate('protocol.registerSchemesAsPrivileged() called after ready');
    if (standIn.schemes.length > 0) violate('protocol.registerSchemesAsPrivileged() called twice');
    standIn.schemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>) {
    needReady(`protocol.handle:${scheme}`);
    if (standIn.protocolHandlers.has(scheme)) violate(`protocol.handle('${scheme}') twice`);
    standIn.protocolHandlers.set(scheme, handler);
  },
};

const defaultSession = {
  protocol,
  setPermissionRequestHandler: (handler: unknown) => {
    needReady('session.setPermissionRequestHandler');
    Object.assign(sessionState, { permissionRequest: handler });
  },
  setPermissionCheckHandler: (handler: unknown) => {
    needReady('session.setPermissionCheckHandler');
    Object.assign(sessionState, { permissionCheck: handler });
  },
  webRequest: { onHeadersReceived: () => needReady('session.webRequest.onHeadersReceived') },
  resolveProxy: async (url: string) => {
    needReady('session.resolveProxy');
    if (!URL.canParse(url)) violate(`session.resolveProxy(${url}): not a URL`);
    return standIn.proxyPac;
  },
};

// ---------------------------------------------------------------------------------------------
// dialog, globalShortcut

function answerDialog(kind: 'open' | 'save', options: unknown) {
  needReady(`dialog.show${kind === 'open' ? 'Open' : 'Save'}Dialog`);
  standIn.dialogs.push({ kind, options });
  if (standIn.dialogAnswers.length === 0) violate(`a ${kind} dialog nobody answers`);
  return standIn.dialogAnswers.shift() ?? null;
}
export const dialog = {
  async showOpenDialog(...args: unknown[]) {
    const path = answerDialog('open', args.at(-1));
    return path === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [path] };
  },
  async showSaveDialog(...args: unknown[]) {
    const path = answerDialog('save', args.at(-1));
    return path === null ? { canceled: true } : { canceled: false, filePath: path };
  },
};

const ACCELERATOR =
  /^((CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+([A-Z0-9]|F\d{1,2}|Space|Tab|Enter|Up|Down|Left|Right)$/;
export const globalShortcut = {
  register(accelerator: string, callback: () => void): boolean {
    needReady('globalShortcut.register');
    // Electron throws on an accelerator it cannot parse.
    if (!ACCELERATOR.test(accelerator)) throw new Error(`Error processing argument: ${accelerator}`);
    if (standIn.takenShortcuts.includes(accelerator) || standIn.shortcuts.has(accelerator)) return false;
    standIn.shortcuts.set(accelerator, callback);
    return true;
  },
  isRegistered: (accelerator: string) => standIn.shortcuts.has(accelerator),
  unregister(accelerator: string): void {
    standIn.shortcuts.delete(accelerator);
  },
  unregisterAll(): void {
    standIn.shortcuts.clear();
  },
};
export const sessionState: { permissionRequest?: unknown; permissionCheck?: unknown } = {};
export const session = {
  get defaultSession() {
    needReady('session.defaultSession');
    return defaultSession;
  },
  /** electron-updater downloads through a session of its own. */
  fromPartition(partition: string, _options?: unknown) {
    needReady(`session.fromPartition:${partition}`);
    return { partition };
  },
};

/**
 * Electron's net.request, over Node's http(s): the same options (protocol, hostname, port, path,
 * method, headers) and the same events (response, error); `session` and `redirect` are accepted
 * and, like a session without a proxy, change nothing here.
 */
export const net = {
  request(options: Record<string, unknown>) {
    needReady('net.request');
    const { session: _session, redirect: _redirect, ...rest } = options;
    return (rest.protocol === 'https:' ? httpsRequest : httpRequest)(rest);
  },
};

/** Electron's built-in autoUpdater: electron-updater emits before-quit-for-update on it. */
export const autoUpdater = new EventEmitter();

export const powerMonitor = new EventEmitter();

// The renderer side never runs in this process: the preload gets its own bridge (stand-in-page.ts).
export const contextBridge = undefined;
export const ipcRenderer = undefined;

export default {
  app,
  autoUpdater,
  net,
  dialog,
  globalShortcut,
  BrowserWindow,
  ClipboardItem,
  clipboard,
  contextBridge,
  ipcMain,
  ipcRenderer,
  Menu,
  Notification,
  nativeImage,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  Tray,
};
