import type { UpdateInfo as UpdateView } from '../contract/ipc.ts';
import type { Logger } from '../core/index.ts';

/** What TokenTray uses of electron-updater's autoUpdater. */
export interface UpdaterPort {
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'checking-for-update' | 'update-not-available', listener: () => void): unknown;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Why this installation cannot update itself, or null when it can. */
export type UpdateBlock = 'not_packaged' | 'package_manager' | 'portable' | null;

/**
 * Where updates come from for this installation. Installers that electron-updater can replace:
 * NSIS on Windows, the app bundle on macOS, an AppImage on Linux. deb and rpm installs (the
 * `package-type` file electron-builder leaves in resources) update through the package manager,
 * which needs root: TokenTray says so instead of asking for a password.
 */
export function updateBlock(options: {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  packageType: string | undefined;
  appImage: string | undefined;
  portable: boolean;
}): UpdateBlock {
  if (!options.isPackaged) return 'not_packaged';
  if (options.platform === 'linux') {
    if (options.packageType !== undefined) return 'package_manager';
    return options.appImage ? null : 'portable';
  }
  if (options.platform === 'win32' && options.portable) return 'portable';
  return null;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface UpdatesDeps {
  block: UpdateBlock;
  /** electron-updater's autoUpdater, loaded on first use (it is large and start-up does not need it). */
  load(): Promise<UpdaterPort>;
  enabled(): boolean;
  /** Tells the window, and (once) the user with a notification, that a restart would install it. */
  changed(view: UpdateView, ready: boolean): void;
  logger: Logger;
}

/**
 * Updates: checked at start and daily (unless switched off), downloaded in the background, and
 * installed only when the user says so: a notification and a banner ask before restarting.
 */
export function createUpdates(deps: UpdatesDeps) {
  let view: UpdateView = deps.block ? { state: 'unsupported', reason: deps.block } : { state: 'idle' };
  let updater: Promise<UpdaterPort> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  function set(next: UpdateView): void {
    const ready = next.state === 'ready' && view.state !== 'ready';
    view = next;
    deps.changed(view, ready);
  }

  function port(): Promise<UpdaterPort> {
    updater ??= deps.load().then((loaded) => {
      loaded.on('checking-for-update', () => set({ state: 'checking' }));
      loaded.on('update-not-available', () => set({ state: 'current', checkedAt: Date.now() }));
      loaded.on('update-available', (info) => set({ state: 'downloading', version: info.version, percent: 0 }));
      loaded.on('download-progress', (progress) => {
        if (view.state === 'downloading') set({ ...view, percent: Math.floor(progress.percent) });
      });
      loaded.on('update-downloaded', (info) => set({ state: 'ready', version: info.version }));
      loaded.on('error', (error) => {
        deps.logger.warn('update failed', { error: error.name });
        set({ state: 'error', reason: 'update_failed' });
      });
      return loaded;
    });
    return updater;
  }

  async function check(): Promise<UpdateView> {
    if (deps.block) return view;
    if (view.state === 'ready' || view.state === 'downloading') return view;
    try {
      await (await port()).checkForUpdates();
    } catch (error) {
      deps.logger.warn('update check failed', { error: error instanceof Error ? error.name : 'unknown' });
      set({ state: 'error', reason: 'update_failed' });
    }
    return view;
  }

  return {
    info: (): UpdateView => view,
    check,
    /** First check now, then daily while switched on. */
    start(): void {
      if (deps.block) return;
      if (deps.enabled()) void check();
      timer = setInterval(() => deps.enabled() && void check(), DAY_MS);
      timer.unref?.();
    },
    /** Restarts into the downloaded version: only on the user's word. */
    async install(): Promise<void> {
      if (view.state !== 'ready') return;
      deps.logger.info('installing update', { version: view.version });
      (await port()).quitAndInstall(false, true);
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
  };
}

export type Updates = ReturnType<typeof createUpdates>;
