import type { ProviderCatalogueEntry } from '../contract/catalogue.ts';
import { createTranslator, resolveLocale, type Translator } from '../contract/i18n.ts';
import type { AppEnvironment, EventChannel, EventPayload } from '../contract/ipc.ts';
import type { Settings } from '../contract/settings.ts';
import {
  CATALOGUE,
  type Logger,
  type ProfileView,
  type RefreshTick,
  type StoreIssue,
  type TokenService,
} from '../core/index.ts';
import type { GatewayCall } from '../gateway/gateway.ts';
import type { Redactor } from '../logging/log-redaction.ts';
import { decideNotices, type Notice } from '../notifications/notification-policy.ts';
import type { TrayAction, TrayMenuInput } from '../tray/tray-menu.ts';
import { AppError } from './app-error.ts';
import { createCommands, type LocalApiPort } from './commands.ts';
import { createGlobalShortcut, type ShortcutPort } from './global-shortcut.ts';
import type { NetworkTrust } from './network-trust.ts';
import type { SettingsStore } from './settings-store.ts';
import type { TeamMode } from './team-mode.ts';
import { createTokenUses } from './token-uses.ts';
import type { Transfer } from './transfer.ts';
import { createUpdates, type UpdateBlock, type UpdaterPort } from './updates.ts';
import { createUserActions } from './user-actions.ts';

type ApiSettings = Pick<Settings, 'apiTcpEnabled' | 'apiTcpPort'>;

/** The local token API's server, made once the commands exist (it hands tokens out through them). */
export interface LocalApi extends LocalApiPort {
  start(settings: ApiSettings): Promise<void>;
  /** Switches the TCP listener; resolves with what went wrong (`EADDRINUSE`...), or null. */
  applyTcp(settings: ApiSettings): Promise<string | null>;
  close(): Promise<void>;
}

/** What the API server needs of the desktop: a token handed out the way *Copy* hands it out. */
export type HandOut = (id: string, client: { via: 'cli' | 'api'; name: string }) => Promise<string | undefined>;

/** How often the tray's countdowns are refreshed when nothing else changes. */
export const TRAY_REFRESH_MS = 60_000;

export interface DesktopDeps {
  service: TokenService;
  settings: SettingsStore;
  tick: RefreshTick;
  redactor: Redactor;
  platform: NodeJS.Platform;
  clipboard: { copy(text: string, clearAfterMs: number): Promise<void>; clearIfOurs(): Promise<boolean> };
  loginItem: { isEnabled(): Promise<boolean>; setEnabled(enabled: boolean): Promise<void> };
  createTray(onAction: (action: TrayAction) => void): {
    render(input: Omit<TrayMenuInput, 'platform'>): void;
    destroy(): void;
  };
  createNotifier(onClick: (profileId: string) => void): {
    notify(notice: Notice, now: number, tr: Translator): void;
    show(title: string, body: string, profileId?: string): void;
  };
  windows: {
    show(profileId?: string): void;
    send<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  };
  /** What the window is told about the machine; the store's problems and the catalogue are added here. */
  environment(locale: Translator['locale']): Promise<Omit<AppEnvironment, 'storeIssues' | 'providers'>>;
  /** The providers the window offers; the engine's catalogue unless a test gives another. */
  catalogue?: readonly ProviderCatalogueEntry[];
  /** Problems found while opening the store file (it was moved aside), shown beside the engine's own. */
  startupIssues?: readonly StoreIssue[];
  systemLanguages(): readonly string[];
  /** The local API (with the gateway), handing out tokens and reporting gateway calls here. */
  createLocalApi(handOut: HandOut, onGatewayCall: (call: GatewayCall) => void): LocalApi;
  /** Team mode (Settings → Team): connects the engine to the team's Redis. */
  team: TeamMode;
  /** Settings → Network: the extra authorities file and the system proxy. */
  network: NetworkTrust;
  /** Export and import of profiles. */
  transfer: Transfer;
  /** Electron's globalShortcut (Settings → Shortcut). */
  shortcuts: ShortcutPort;
  /** electron-updater, where this installation can update itself. */
  updater: { block: UpdateBlock; load(): Promise<UpdaterPort> };
  /** Called once the tray shows the profiles: what start-up deferred may load now. */
  onFirstRender?(): void;
  now(): number;
  logger: Logger;
  quit(): void;
}

/**
 * The desktop app: wires the engine to the tray, notifications and window. Data flows one way
 * (engine → views → tray, notifications, window); intent comes back as named commands.
 */
/** What Recent uses keeps of a gateway call: never a query, a body or a token. */
function callSummary({ method, path, status, durationMs }: GatewayCall) {
  return { method, path: path.slice(0, 200), status, durationMs: Math.round(durationMs) };
}

export function createDesktop(deps: DesktopDeps) {
  const { service, settings, logger } = deps;
  let tr = createTranslator(resolveLocale(settings.get().language, deps.systemLanguages()));
  let memory: ReadonlySet<string> = new Set();
  let startAtLogin = settings.get().startAtLogin;
  let trayTimer: ReturnType<typeof setInterval> | undefined;
  let shuttingDown: Promise<void> | undefined;
  let lastIssues = '[]';
  const uses = createTokenUses({ now: deps.now, onChange: (all) => deps.windows.send('token:used', all) });
  // The API server hands tokens out through the commands, and the commands show its status.
  const apiPort: LocalApiPort = {
    status: () => localApi.status(),
    regenerateSecret: async () => {
      const status = await localApi.regenerateSecret();
      deps.redactor.remember(localApi.secret());
      return status;
    },
    secret: () => localApi.secret(),
    gatewayInfo: (id) => localApi.gatewayInfo(id),
  };

  const updates = createUpdates({
    ...deps.updater,
    enabled: () => settings.get().checkForUpdates,
    changed: (view, ready) => {
      deps.windows.send('updates:changed', view);
      if (view.state === 'ready') renderTray();
      if (ready && view.state === 'ready') {
        notifier.show(tr.t('notify.update_title'), tr.t('notify.update_ready', { version: view.version }));
      }
    },
    logger,
  });
  const shortcut = createGlobalShortcut({ port: deps.shortcuts, onPress: () => void actions.copyPinned(), logger });
  const commands = createCommands({
    service,
    settings,
    clipboard: deps.clipboard,
    redactor: deps.redactor,
    platform: deps.platform,
    environment: async () => ({
      ...(await deps.environment(tr.locale)),
      storeIssues: storeIssues(),
      providers: [...(deps.catalogue ?? CATALOGUE)],
    }),
    settingsChanged,
    uses,
    localApi: apiPort,
    team: deps.team,
    network: deps.network,
    transfer: deps.transfer,
    shortcut,
    updates,
  });
  const localApi = deps.createLocalApi(
    (id, client) => commands.handOut(id, client.via, client.name),
    (call) => uses.record(call.profileId, 'gateway', call.client, callSummary(call)),
  );
  const tray = deps.createTray((action) => actions.onTrayAction(action));
  const notifier = deps.createNotifier((profileId) => deps.windows.show(profileId));
  const actions = createUserActions({
    service,
    commands,
    updates,
    settings,
    notifier,
    windows: deps.windows,
    quit: () => deps.quit(),
    tr: () => tr,
    startAtLogin: () => startAtLogin,
    renderTray: () => renderTray(),
    logger,
  });

  function storeIssues(): StoreIssue[] {
    return [...(deps.startupIssues ?? []), ...service.storeIssues()];
  }

  function renderTray(views: readonly ProfileView[] = service.listProfiles()): void {
    const team = service.teamStatus();
    const update = updates.info();
    tray.render({
      views,
      now: deps.now(),
      tr,
      startAtLogin,
      pinnedId: deps.settings.get().pinnedProfileId,
      recentIds: uses.recentIds(),
      ...(team ? { team } : {}),
      ...(update.state === 'ready' ? { updateReady: update.version } : {}),
    });
  }

  /** The window hears when team mode connects, loses Redis, or changes. */
  let lastTeam = '';
  function tellTeam(): void {
    const now = JSON.stringify(service.teamStatus() ?? null);
    if (now === lastTeam) return;
    lastTeam = now;
    void deps.team.info().then((info) => deps.windows.send('team:changed', info));
  }

  function onViews(views: ProfileView[]): void {
    renderTray(views);
    uses.forget(new Set(views.map((view) => view.id)));
    tellTeam();
    const decided = decideNotices(views, memory, deps.now(), settings.get().notifications);
    memory = decided.memory;
    for (const notice of decided.notices) notifier.notify(notice, deps.now(), tr);
    deps.windows.send('profiles:changed', views);
    // A failing write appears and clears while the app runs: the window's banner follows it.
    const issues = storeIssues();
    const text = JSON.stringify(issues);
    if (text !== lastIssues) {
      lastIssues = text;
      deps.windows.send('store:issues', issues);
    }
  }

  async function settingsChanged(previous: Settings, next: Settings): Promise<void> {
    if (previous.startAtLogin !== next.startAtLogin) {
      await deps.loginItem.setEnabled(next.startAtLogin);
      startAtLogin = next.startAtLogin;
    }
    if (previous.apiTcpEnabled !== next.apiTcpEnabled || previous.apiTcpPort !== next.apiTcpPort) {
      const problem = await localApi.applyTcp(next);
      if (problem !== null) {
        // Back to the listener that worked; the setting is rolled back by the caller.
        await localApi.applyTcp(previous);
        throw new AppError(problem === 'EADDRINUSE' || problem === 'EACCES' ? 'api_port_in_use' : 'api_unavailable');
      }
    }
    if (JSON.stringify(previous.team) !== JSON.stringify(next.team)) {
      await deps.team.apply(next.team);
      lastTeam = '';
      tellTeam();
    }
    if (previous.shortcut !== next.shortcut) shortcut.apply(next.shortcut);
    if (!previous.checkForUpdates && next.checkForUpdates) void updates.check();
    if (previous.language !== next.language) {
      tr = createTranslator(resolveLocale(next.language, deps.systemLanguages()));
    }
    deps.windows.send('settings:changed', next);
    // The default margin moves every countdown's next refresh; the language changes every label.
    onViews(service.listProfiles());
  }

  return {
    handlers: commands.handlers,
    commands,
    /** Reads the real login-item state, draws the tray and gives start-up notices (expired tokens). */
    async start(): Promise<void> {
      lastIssues = JSON.stringify(storeIssues());
      // Token requests trust the extra authorities from the first one on.
      await deps.network.start();
      shortcut.start(settings.get().shortcut);
      service.onChange(onViews);
      try {
        startAtLogin = await deps.loginItem.isEnabled();
        if (startAtLogin !== settings.get().startAtLogin) settings.update({ startAtLogin });
      } catch (error) {
        logger.warn('login item state unknown', { error: error instanceof Error ? error.name : 'unknown' });
      }
      onViews(service.listProfiles());
      trayTimer = setInterval(() => renderTray(), TRAY_REFRESH_MS);
      trayTimer.unref?.();
      deps.onFirstRender?.();
      // Scripts may ask for tokens from now on; the secret joins the values logs never show.
      await localApi.start(settings.get());
      if (localApi.secret() !== '') deps.redactor.remember(localApi.secret());
      await deps.team.start();
      updates.start();
      await service.checkDue();
    },
    /** Before the system sleeps. */
    suspend: () => deps.tick.pause(),
    /** After wake or unlock: tick again and catch up at once. */
    resume: () => deps.tick.resume(),
    /**
     * Quit: stop ticking, wipe our token from the clipboard, abandon requests in flight, save,
     * remove the tray. A second call (a second Quit) waits for the first rather than cutting it short.
     */
    shutdown(): Promise<void> {
      shuttingDown ??= (async () => {
        if (trayTimer) clearInterval(trayTimer);
        uses.stop();
        // No token leaves once quitting has begun.
        await localApi.close().catch(() => undefined);
        shortcut.stop();
        updates.stop();
        await deps.tick.stop();
        await deps.clipboard.clearIfOurs().catch(() => false);
        await service.close();
        tray.destroy();
      })();
      return shuttingDown;
    },
  };
}
