/**
 * Composition root: the only module that loads Electron. Everything it wires is a thin adapter
 * or pure logic that takes its Electron pieces as parameters, and is tested that way.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  ClipboardItem,
  clipboard,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  powerMonitor,
  safeStorage,
  session,
  Tray,
} from 'electron';
import log from 'electron-log/main';
import Store from 'electron-store';
import { createAppLogger } from './app-logger.ts';
import { createClipboardGuard } from './clipboard-guard.ts';
import { createTokenService, openStoreSafely, type StoreIssue, startRefreshTick } from './core/index.ts';
import { createIpcGuard } from './ipc-guard.ts';
import { createRedactor } from './log-redaction.ts';
import { createLoginItem, HIDDEN_ARG } from './login-item.ts';
import { hardenSession } from './main-window.ts';
import { createNotifier } from './notifier.ts';
import { createSafeStorageCipher, describeProtection } from './safe-storage-cipher.ts';
import { createSettingsStore, defaultMarginMs } from './settings.ts';
import { createShell } from './shell.ts';
import { createTrayController } from './tray.ts';
import type { Health } from './tray-status.ts';
import { createWindowManager } from './window-manager.ts';

const APP_ID = 'dev.tokentray.app';
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = join(here, '..', '..');
const isDev = !app.isPackaged;

// The end-to-end suite runs the real app against a temp profile and reads what the tray and
// notifications were given; nothing of this exists unless TOKENTRAY_E2E is set.
if (process.env.TOKENTRAY_USER_DATA) app.setPath('userData', process.env.TOKENTRAY_USER_DATA);
const e2e = process.env.TOKENTRAY_E2E === '1' ? { menus: [] as unknown[], notices: [] as string[] } : undefined;
if (e2e) Object.assign(globalThis, { __tokentrayE2E: e2e });

// Logging first, with redaction in front of every transport, so even a failed start is safe to log.
const redactor = createRedactor();
// No log.initialize(): the renderer does not log through electron-log, so its preload hook is not wanted.
log.transports.console.level = isDev ? 'debug' : false;
const logger = createAppLogger(log, redactor);
let quitting = false;

/** macOS: template PNGs (the system tints them); Windows: multi-size .ico; Linux: PNG (+@2x). */
function trayIcons(): Record<Health, Electron.NativeImage> {
  const file = (state: Health) => {
    if (process.platform === 'darwin') return `tray-${state}Template.png`;
    if (process.platform === 'win32') return `tray-${state}.ico`;
    return `tray-${state}.png`;
  };
  const load = (state: Health) => nativeImage.createFromPath(join(appRoot, 'assets/tray', file(state)));
  return { ok: load('ok'), warning: load('warning'), error: load('error') };
}

async function main(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  if (process.platform === 'darwin') app.dock?.hide();

  const storePath = join(app.getPath('userData'), 'config.json');
  const opened = openStoreSafely(
    () => new Store({ name: 'config', configFileMode: 0o600, clearInvalidConfig: false }),
    storePath,
  );
  const settings = createSettingsStore(opened.store);
  const cipher = createSafeStorageCipher({
    safeStorage,
    platform: process.platform,
    weakAccepted: () => settings.get().allowWeakSecretStorage,
  });
  const service = createTokenService({
    store: opened.store,
    cipher,
    logger,
    http: { userAgent: `TokenTray/${app.getVersion()}` },
    defaultRefreshMarginMs: () => defaultMarginMs(settings.get()),
  });
  const storeIssues: StoreIssue[] = [...(opened.issue ? [opened.issue] : []), ...service.storeIssues()];
  const tick = startRefreshTick(service, { logger });

  hardenSession(session.defaultSession);
  const pageUrl = process.env.TOKENTRAY_RENDERER_URL ?? pathToFileURL(join(appRoot, 'dist/renderer/index.html')).href;
  const windows = createWindowManager({
    create: (options) => new BrowserWindow({ ...options, icon: join(appRoot, 'assets/icons/icon.png') }),
    session: session.defaultSession,
    preloadPath: join(appRoot, 'dist/preload/preload.cjs'),
    pageUrl,
    devTools: isDev,
    isQuitting: () => quitting,
    onVisibilityChange: (visible) => {
      if (process.platform !== 'darwin') return;
      if (visible) void app.dock?.show();
      else app.dock?.hide();
    },
  });

  const shell = createShell({
    service,
    settings,
    tick,
    redactor,
    clipboard: createClipboardGuard({
      clipboard,
      makeItem: (record) => new ClipboardItem(record),
      platform: process.platform,
      logger,
    }),
    loginItem: createLoginItem({
      platform: process.platform,
      app,
      autostartDir: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart'),
      execPath: process.env.APPIMAGE ?? process.execPath,
    }),
    createTray: (onAction) =>
      createTrayController({
        createTray: (icon) => new Tray(icon),
        buildMenu: (template) => {
          e2e?.menus.push(template.map((item) => item.label ?? item.type));
          return Menu.buildFromTemplate(template);
        },
        icons: trayIcons(),
        platform: process.platform,
        onAction,
      }),
    createNotifier: (onClick) =>
      createNotifier({
        create: (options) => {
          e2e?.notices.push(String(options.title));
          return new Notification(options);
        },
        isSupported: () => Notification.isSupported(),
        onClick,
      }),
    windows,
    environment: async (locale) => ({
      platform: ['darwin', 'win32', 'linux'].includes(process.platform)
        ? (process.platform as 'darwin' | 'win32' | 'linux')
        : 'other',
      locale,
      version: app.getVersion(),
      secretProtection: await describeProtection(safeStorage, process.platform, settings.get().allowWeakSecretStorage),
      storeIssues,
    }),
    systemLanguages: () => app.getPreferredSystemLanguages(),
    now: Date.now,
    logger,
    quit: () => app.quit(),
  });

  createIpcGuard({ handlers: shell.handlers, isTrustedSender: windows.isTrustedSender, logger }).register(ipcMain);

  powerMonitor.on('suspend', () => void shell.suspend());
  powerMonitor.on('resume', () => void shell.resume());
  powerMonitor.on('unlock-screen', () => void shell.resume());
  app.on('second-instance', () => windows.show());
  app.on('activate', () => windows.show());

  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    shell
      .shutdown()
      .catch((error: unknown) =>
        logger.error('shutdown failed', { error: error instanceof Error ? error.name : 'unknown' }),
      )
      .finally(() => app.quit());
  });
  // The app lives in the tray: closing the window must not quit it.
  app.on('window-all-closed', () => undefined);

  await shell.start();
  logger.info('TokenTray started', { version: app.getVersion(), profiles: service.listProfiles().length });
  const firstRun = service.listProfiles().length === 0 || storeIssues.length > 0;
  if (firstRun && !process.argv.includes(HIDDEN_ARG)) windows.show();
}

// A second launch only brings the first one's window forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app
    .whenReady()
    .then(main)
    .catch((error: unknown) => {
      logger.error('TokenTray failed to start', { error });
      app.exit(1);
    });
}
