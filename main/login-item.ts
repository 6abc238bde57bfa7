import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from 'electron';

export const AUTOSTART_FILE = 'tokentray.desktop';
/** Passed when the OS starts us at login: stay in the tray, open no window. */
export const HIDDEN_ARG = '--hidden';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  /** `$XDG_CONFIG_HOME/autostart` or `~/.config/autostart`. */
  autostartDir: string;
  /** What to launch: `$APPIMAGE` for an AppImage, else the executable. */
  execPath: string;
}

/** Quotes an Exec= argument as the Desktop Entry spec asks. */
function desktopExecArg(path: string): string {
  return /[\s"'\\$`]/.test(path) ? `"${path.replace(/(["\\$`])/g, '\\$1')}"` : path;
}

export function autostartEntry(execPath: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=TokenTray',
    'Comment=Keeps API access tokens fresh in the tray',
    `Exec=${desktopExecArg(execPath)} ${HIDDEN_ARG}`,
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
  const linux = deps.platform === 'linux';
  return {
    async isEnabled(): Promise<boolean> {
      if (!linux) return deps.app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin;
      try {
        return (await readFile(file, 'utf8')).includes('X-GNOME-Autostart-enabled=true');
      } catch {
        return false;
      }
    },
    async setEnabled(enabled: boolean): Promise<void> {
      if (!linux) {
        // `args` reaches Windows; macOS login items take none, and the app starts in the tray anyway.
        deps.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
        return;
      }
      if (enabled) {
        await mkdir(deps.autostartDir, { recursive: true });
        await writeFile(file, autostartEntry(deps.execPath), { mode: 0o644 });
      } else {
        await rm(file, { force: true });
      }
    },
  };
}
