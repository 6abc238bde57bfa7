import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../desktop/app-error.ts';
import type { App } from '../electron-types.ts';

export const AUTOSTART_FILE = 'tokentray.desktop';
/** Passed when the OS starts us at login: stay in the tray, open no window. */
export const HIDDEN_ARG = '--hidden';

/** What the OS starts at login: an executable and its arguments. */
export interface LaunchTarget {
  path: string;
  args: string[];
}

/**
 * What to start at login, or undefined where that cannot work. Installed builds start their own
 * executable, except where the file running is not the one the user has: an AppImage runs from a
 * temporary mount (`$APPIMAGE` names the file), a Windows portable build from a temporary unpack
 * folder (`$PORTABLE_EXECUTABLE_FILE` names the .exe); both variables are set by those launchers.
 * A development run is Electron plus the app folder; on macOS a login item cannot carry that
 * folder, so it would open Electron itself, and is refused.
 */
export function loginLaunchTarget(input: {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  execPath: string;
  appPath: string;
  env: Partial<Record<'APPIMAGE' | 'PORTABLE_EXECUTABLE_FILE', string>>;
}): LaunchTarget | undefined {
  const { platform, execPath } = input;
  if (!input.isPackaged)
    return platform === 'darwin' ? undefined : { path: execPath, args: [input.appPath, HIDDEN_ARG] };
  if (platform === 'linux') return { path: input.env.APPIMAGE || execPath, args: [HIDDEN_ARG] };
  if (platform === 'win32') return { path: input.env.PORTABLE_EXECUTABLE_FILE || execPath, args: [HIDDEN_ARG] };
  return { path: execPath, args: [HIDDEN_ARG] };
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  /** `$XDG_CONFIG_HOME/autostart` or `~/.config/autostart`. */
  autostartDir: string;
  /** What to start; undefined where start at login cannot work (see loginLaunchTarget). */
  launch: LaunchTarget | undefined;
}

/** Quotes an Exec= argument as the Desktop Entry spec asks. */
function desktopExecArg(path: string): string {
  return /[\s"'\\$`]/.test(path) ? `"${path.replace(/(["\\$`])/g, '\\$1')}"` : path;
}

export function autostartEntry(launch: LaunchTarget): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=TokenTray',
    'Comment=Keeps API access tokens fresh in the tray',
    `Exec=${[launch.path, ...launch.args].map(desktopExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Start at login: the OS login items on macOS and Windows, an XDG autostart entry on Linux
 * (which Electron's setLoginItemSettings does not support).
 */
export function createLoginItem(deps: LoginItemDeps) {
  const file = join(deps.autostartDir, AUTOSTART_FILE);
  const { launch } = deps;
  // Windows keys its Run entry by path and arguments; macOS login items take neither.
  const windowsTarget = deps.platform === 'win32' && launch ? { path: launch.path, args: launch.args } : {};
  return {
    async isEnabled(): Promise<boolean> {
      if (!launch) return false;
      if (deps.platform !== 'linux') return deps.app.getLoginItemSettings(windowsTarget).openAtLogin;
      try {
        return (await readFile(file, 'utf8')).includes('X-GNOME-Autostart-enabled=true');
      } catch {
        return false;
      }
    },
    async setEnabled(enabled: boolean): Promise<void> {
      if (!launch) {
        if (enabled) throw new AppError('login_item_unsupported');
        return;
      }
      if (deps.platform !== 'linux') {
        deps.app.setLoginItemSettings({ openAtLogin: enabled, ...windowsTarget });
        return;
      }
      if (enabled) {
        await mkdir(deps.autostartDir, { recursive: true });
        await writeFile(file, autostartEntry(launch), { mode: 0o644 });
      } else {
        await rm(file, { force: true });
      }
    },
  };
}
