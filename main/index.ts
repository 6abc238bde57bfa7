/**
 * Composition root (loaded by start.ts). Everything it wires is a thin adapter
 * or pure logic that takes its Electron pieces as parameters, and is tested that way; this file
 * itself is run by the headless boot test (test/boot/) under a stand-in `electron`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ClipboardItem,
  clipboard,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  Tray,
} from 'electron';
import Store from 'electron-store';
import { createApiServer } from './api/api-server.ts';
import { createClipboardGuard } from './clipboard/clipboard-guard.ts';
import { apiLocation } from './contract/local-api.ts';
import {
  createRedisTeam,
  createTokenService,
  openStoreSafely,
  proxyUrlFromPac,
  startRefreshTick,
} from './core/index.ts';
import { createDesktop } from './desktop/desktop.ts';
import { readLaunchOptions } from './desktop/launch-options.ts';
import { createNetworkTrust } from './desktop/network-trust.ts';
import { createSettingsStore, defaultMarginMs } from './desktop/settings-store.ts';
import { createTeamMode } from './desktop/team-mode.ts';
import { createTransfer } from './desktop/transfer.ts';
import { createIpcGuard, removeForeignListeners } from './ipc/ipc-guard.ts';
import { configureLogFile, createDeferredLogger } from './logging/app-logger.ts';
import { createRedactor, rememberingCipher } from './logging/log-redaction.ts';
import { createNotifier } from './notifications/notifier.ts';
import { createSafeStorageCipher, describeProtection } from './secrets/safe-storage-cipher.ts';
import { writeFileDurably } from './system/durable-file.ts';
import { electronUpdater } from './system/electron-updater.ts';
import { createFileDialogs } from './system/file-dialogs.ts';
import { createLoginItem, HIDDEN_ARG, loginLaunchTarget } from './system/login-item.ts';
import { loadElectronLog } from './system/shell-packages.ts';
import { createTrayController } from './tray/tray.ts';
import { trayIcons } from './tray/tray-icons.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler, PAGE_URL } from './window/app-protocol.ts';
import { hardenSession, hardenWebContents } from './window/main-window.ts';
import { createWindowManager } from './window/window-manager.ts';

const APP_ID = 'dev.tokentray.app';
/** A quit that has not finished by then is cut short: saving happens first and takes milliseconds. */
const QUIT_DEADLINE_MS = 1_800;
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = join(here, '..', '..');
const isDev = !app.isPackaged;
const launch = readLaunchOptions(app.isPackaged, process.env);

// Before ready: every renderer sandboxed, our page's scheme privileged, the test profile folder.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
/** Linux under Wayland: X11 key grabs do not exist, global shortcuts go through the desktop portal. */
const wayland =
  process.platform === 'linux' && (process.env.XDG_SESSION_TYPE === 'wayland' || Boolean(process.env.WAYLAND_DISPLAY));
if (wayland) app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');
if (launch.userData) app.setPath('userData', launch.userData);
// The end-to-end suite reads what the tray and notifications were given; only in a development run.
const e2e = launch.e2e ? { menus: [] as unknown[], notices: [] as string[] } : undefined;
if (e2e) Object.assign(globalThis, { __tokentrayE2E: e2e });

// Logging first, with redaction in front of every transport, so even a failed start is safe to log.
// electron-log itself is loaded once the tray is up: lines wait until then.
const redactor = createRedactor();
const logger = createDeferredLogger(async () => {
  const { default: log } = await loadElectronLog();
  configureLogFile(log, { file: join(app.getPath('logs'), 'main.log'), console: isDev ? 'debug' : false });
  return log;
}, redactor);
let quitState: 'running' | 'shutting-down' | 'done' = 'running';

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/** The `tokentray` CLI beside the app: in the installers' resources, or built in a checkout. */
function bundledCli(): string | null {
  const path = app.isPackaged
    ? join(process.resourcesPath, 'cli', 'tokentray.mjs')
    : join(appRoot, 'dist/cli/tokentray.mjs');
  return existsSync(path) ? path : null;
}

async function main(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  if (process.platform === 'darwin') app.dock?.hide();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const storePath = join(app.getPath('userData'), 'config.json');
  const opened = openStoreSafely(
    () => new Store({ name: 'config', configFileMode: 0o600, clearInvalidConfig: false }),
    storePath,
  );
  const settings = createSettingsStore(opened.store);
  // Every key, secret, token and proxy password the app opens or seals is registered with the log's redactor.
  const cipher = rememberingCipher(
    createSafeStorageCipher({
      safeStorage,
      platform: process.platform,
      weakAccepted: () => settings.get().allowWeakSecretStorage,
    }),
    redactor,
  );
  const dialogs = createFileDialogs(dialog, () => app.getPath('documents'));
  const network = createNetworkTrust({
    settings,
    readFile: (path) => readFile(path, 'utf8'),
    chooseFile: dialogs.certificateFile,
    systemProxy: (url) => session.defaultSession.resolveProxy(url),
    logger,
  });
  const service = createTokenService({
    store: opened.store,
    cipher,
    logger,
    http: {
      userAgent: `TokenTray/${app.getVersion()}`,
      // Chromium's answer: system settings, PAC scripts and WPAD, as the browser would go.
      resolveProxy: async (url) => proxyUrlFromPac(await session.defaultSession.resolveProxy(url)),
      extraCertificates: network.certificates,
    },
    defaultRefreshMarginMs: () => defaultMarginMs(settings.get()),
  });
  const firstRender = Promise.withResolvers<void>();
  const tick = startRefreshTick(service, { logger, startWhen: firstRender.promise });

  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(appRoot, 'dist/renderer')));
  const windows = createWindowManager({
    create: (options) => new BrowserWindow({ ...options, icon: join(appRoot, 'assets/icons/icon.png') }),
    session: session.defaultSession,
    preloadPath: join(appRoot, 'dist/preload/preload.cjs'),
    pageUrl: launch.rendererUrl ?? PAGE_URL,
    devTools: isDev,
    isQuitting: () => quitState !== 'running',
    onVisibilityChange: (visible) => {
      if (process.platform !== 'darwin') return;
      if (visible) void app.dock?.show();
      else app.dock?.hide();
    },
  });

  const desktop = createDesktop({
    service,
    settings,
    tick,
    redactor,
    platform: process.platform,
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
      launch: loginLaunchTarget({
        platform: process.platform,
        isPackaged: app.isPackaged,
        execPath: process.execPath,
        appPath: app.getAppPath(),
        env: process.env,
      }),
    }),
    createTray: (onAction) =>
      createTrayController({
        createTray: (icon) => new Tray(icon),
        buildMenu: (template) => {
          e2e?.menus.push(template.map((item) => item.label ?? item.type));
          return Menu.buildFromTemplate(template);
        },
        icons: trayIcons(process.platform, join(appRoot, 'assets/tray'), (path) => nativeImage.createFromPath(path)),
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
    }),
    createLocalApi: (handOut, onGatewayCall) =>
      createApiServer({
        service,
        handOut,
        onGatewayCall,
        version: app.getVersion(),
        now: Date.now,
        location: apiLocation(app.getPath('userData'), process.platform),
        platform: process.platform,
        cliPath: bundledCli(),
        logger,
      }),
    network,
    updater: electronUpdater(
      {
        isPackaged: app.isPackaged,
        platform: process.platform,
        resourcesPath: process.resourcesPath,
        env: process.env,
      },
      logger,
    ),
    shortcuts: {
      register: (accelerator, callback) => globalShortcut.register(accelerator, callback),
      unregister: (accelerator) => globalShortcut.unregister(accelerator),
      wayland,
    },
    transfer: createTransfer({
      service,
      chooseSaveFile: dialogs.exportFile,
      chooseOpenFile: dialogs.importFile,
      writeFile: writeFileDurably,
      readFile: (path) => readFile(path, 'utf8'),
      appName: `TokenTray ${app.getVersion()}`,
      now: Date.now,
      logger,
    }),
    team: createTeamMode({
      store: opened.store,
      cipher,
      settings,
      service,
      createTeam: createRedisTeam,
      extraCertificates: network.certificates,
      defaultMember: () => `${safeUserName()}@${hostname()}`,
      redactor,
      logger,
    }),
    ...(opened.issue ? { startupIssues: [opened.issue] } : {}),
    systemLanguages: () => app.getPreferredSystemLanguages(),
    // electron-log and the refresh tick's node-cron load once the tray is up.
    onFirstRender: () => {
      firstRender.resolve();
      void logger.start();
    },
    now: Date.now,
    logger,
    quit: () => app.quit(),
  });

  // The guard's handlers are the only IPC in the process: electron-store registered a listener of
  // its own when the store was created, and anything else a library added goes the same way.
  const silenced = removeForeignListeners(ipcMain);
  if (silenced.length > 0) logger.info('foreign IPC listeners removed', { channels: silenced });
  createIpcGuard({ handlers: desktop.handlers, isTrustedSender: windows.isTrustedSender, logger }).register(ipcMain);

  powerMonitor.on('suspend', () => void desktop.suspend());
  powerMonitor.on('resume', () => void desktop.resume());
  powerMonitor.on('unlock-screen', () => void desktop.resume());
  app.on('second-instance', () => windows.show());
  app.on('activate', () => windows.show());

  // Quit saves first. Every quit that arrives meanwhile (a second click, the OS logging out) waits
  // for that one instead of cutting it short; only the deadline can.
  app.on('before-quit', (event) => {
    if (quitState === 'done') return;
    event.preventDefault();
    if (quitState === 'shutting-down') return;
    quitState = 'shutting-down';
    const deadline = setTimeout(() => {
      logger.error('shutdown did not finish in time');
      quitState = 'done';
      app.exit(0);
    }, QUIT_DEADLINE_MS);
    desktop
      .shutdown()
      .catch((error: unknown) =>
        logger.error('shutdown failed', { error: error instanceof Error ? error.name : 'unknown' }),
      )
      .finally(() => {
        clearTimeout(deadline);
        quitState = 'done';
        app.quit();
      });
  });
  // The app lives in the tray: closing the window must not quit it.
  app.on('window-all-closed', () => undefined);

  await desktop.start();
  logger.info('TokenTray started', { version: app.getVersion(), profiles: service.listProfiles().length });
  const firstRun =
    service.listProfiles().length === 0 || opened.issue !== undefined || service.storeIssues().length > 0;
  if (firstRun && !process.argv.includes(HIDDEN_ARG)) windows.show();
}

// A second launch only brings the first one's window forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app
    .whenReady()
    .then(main)
    .catch(async (error: unknown) => {
      logger.error('TokenTray failed to start', { error });
      await logger.start().catch(() => undefined);
      app.exit(1);
    });
}
