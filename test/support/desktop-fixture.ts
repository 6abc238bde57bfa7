import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ApiServer, createApiServer } from '../../main/api/api-server.ts';
import { createClipboardGuard } from '../../main/clipboard/clipboard-guard.ts';
import type { ProviderCatalogueEntry } from '../../main/contract/catalogue.ts';
import type { AppEnvironment, EventChannel } from '../../main/contract/ipc.ts';
import { apiLocation } from '../../main/contract/local-api.ts';
import type { TokenServiceOptions } from '../../main/core/index.ts';
import { createRedisTeam, type RedisTeamOptions, type TeamPort } from '../../main/core/index.ts';
import { createDesktop } from '../../main/desktop/desktop.ts';
import { createNetworkTrust, type NetworkTrust } from '../../main/desktop/network-trust.ts';
import { createSettingsStore, defaultMarginMs, type SettingsStore } from '../../main/desktop/settings-store.ts';
import { createTeamMode } from '../../main/desktop/team-mode.ts';
import { createTransfer } from '../../main/desktop/transfer.ts';
import type { UpdateBlock, UpdaterPort } from '../../main/desktop/updates.ts';
import { createRedactor } from '../../main/logging/log-redaction.ts';
import { createNotifier } from '../../main/notifications/notifier.ts';
import { writeFileDurably } from '../../main/system/durable-file.ts';
import type { TrayAction, TrayMenuInput } from '../../main/tray/tray-menu.ts';
import { buildTrayMenu } from '../../main/tray/tray-menu.ts';
import { createEngineFixture, recordingLogger } from './engine-fixture.ts';
import type { FakeServerOptions } from './fake-token-server.ts';

export interface DesktopFixtureOptions {
  server?: FakeServerOptions;
  service?: Partial<TokenServiceOptions>;
  /** Receives what the desktop sends to the window (the browser harness forwards it to the page). */
  onSend?(channel: EventChannel, payload: unknown): void;
  environment?: Partial<AppEnvironment>;
  /** The OS the desktop believes it runs on (copy formats differ on Windows). */
  platform?: NodeJS.Platform;
  /** Start at login refuses, as it does in a development run on macOS. */
  loginRefuses?: Error;
  /** Providers the window is offered instead of the engine's own catalogue. */
  catalogue?: ProviderCatalogueEntry[];
  /** How team mode makes its team; the real Redis one unless a test gives another. */
  createTeam?(options: RedisTeamOptions): Promise<TeamPort>;
  /** What the system's proxy settings answer (PAC notation). */
  systemProxy?: string;
  /** electron-updater, or a fake of it; by default a development run that does not update. */
  updater?: { block: UpdateBlock; load(): Promise<UpdaterPort> };
}

/** The desktop app over the real engine (fake token server, real store and cipher) and recording adapters. */
export async function createDesktopFixture(options: DesktopFixtureOptions = {}) {
  let settingsRef: SettingsStore | undefined;
  let networkRef: NetworkTrust | undefined;
  const fx = await createEngineFixture(options.server, {
    defaultRefreshMarginMs: () => (settingsRef ? defaultMarginMs(settingsRef.get()) : undefined),
    http: { timeoutMs: 2_000, extraCertificates: () => networkRef?.certificates() ?? [] },
    ...options.service,
  });
  /** Global shortcuts the fixture's "OS" holds for the app, and those other apps took. */
  const shortcutState = { held: new Map<string, () => void>(), taken: [] as string[] };
  /** What the next file dialogs answer (a path, or undefined for Cancel), in order. */
  const dialogAnswers: (string | undefined)[] = [];
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
  settingsRef = settings;
  const logs: string[] = [];
  const network = createNetworkTrust({
    settings,
    readFile: (path) => readFile(path, 'utf8'),
    chooseFile: async () => dialogAnswers.shift(),
    systemProxy: async () => options.systemProxy ?? 'DIRECT',
    logger: recordingLogger(logs),
  });
  networkRef = network;
  const redactor = createRedactor();
  // The real local API, on a socket in the fixture's folder; closed with the fixture.
  let api: ApiServer | undefined;
  const dataDir = join(fx.temp.dir, 'data');
  const location = apiLocation(dataDir, process.platform);
  const dispose = fx.dispose;
  fx.dispose = async () => {
    await api?.close();
    await dispose();
  };
  const desktop = createDesktop({
    service: fx.service,
    settings,
    tick: {
      ready: Promise.resolve(),
      pause: async () => void tickCalls.push('pause'),
      resume: async () => void tickCalls.push('resume'),
      stop: async () => void tickCalls.push('stop'),
    },
    redactor,
    platform: options.platform ?? 'linux',
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
        if (options.loginRefuses) throw options.loginRefuses;
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
      send: (channel, payload) => {
        sent.push([channel, payload]);
        options.onSend?.(channel, payload);
      },
    },
    environment: async (locale) => ({
      platform: 'linux',
      locale,
      version: '0.1.0',
      secretProtection: { kind: 'keychain', backend: 'gnome_libsecret' },
      ...options.environment,
    }),
    ...(options.catalogue ? { catalogue: options.catalogue } : {}),
    network,
    updater: options.updater ?? { block: 'not_packaged', load: () => Promise.reject(new Error('no updater')) },
    shortcuts: {
      register: (accelerator, callback) => {
        if (shortcutState.taken.includes(accelerator)) return false;
        if (!/^(\w+\+)+\w+$/.test(accelerator)) throw new Error(`Error processing argument: ${accelerator}`);
        shortcutState.held.set(accelerator, callback);
        return true;
      },
      unregister: (accelerator) => void shortcutState.held.delete(accelerator),
      wayland: false,
    },
    transfer: createTransfer({
      service: fx.service,
      chooseSaveFile: async () => dialogAnswers.shift(),
      chooseOpenFile: async () => dialogAnswers.shift(),
      writeFile: writeFileDurably,
      readFile: (path) => readFile(path, 'utf8'),
      appName: 'TokenTray 0.1.0',
      now: options.service?.now ?? fx.now,
      logger: recordingLogger(logs),
    }),
    team: createTeamMode({
      store: fx.temp.store,
      cipher: fx.cipher,
      settings,
      service: fx.service,
      createTeam: options.createTeam ?? createRedisTeam,
      defaultMember: () => 'tester@fixture',
      redactor,
      logger: recordingLogger(logs),
    }),
    createLocalApi: (handOut, onGatewayCall) => {
      api = createApiServer({
        service: fx.service,
        handOut,
        onGatewayCall,
        version: '0.1.0',
        now: options.service?.now ?? fx.now,
        location,
        platform: process.platform,
        cliPath: null,
        logger: recordingLogger(logs),
      });
      return api;
    },
    systemLanguages: () => ['en-US'],
    now: options.service?.now ?? fx.now,
    logger: recordingLogger(logs),
    quit: () => void quit++,
  });
  const lastMenu = () => {
    const input = renders.at(-1);
    if (!input) throw new Error('tray never rendered');
    return buildTrayMenu({ ...input, platform: options.platform ?? 'linux' });
  };
  return {
    fx,
    desktop,
    /** Where the local API listens and keeps its secret, and the data folder that implies. */
    apiLocation: location,
    dataDir,
    settings,
    dialogAnswers,
    shortcutState,
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

export type DesktopFixture = Awaited<ReturnType<typeof createDesktopFixture>>;
