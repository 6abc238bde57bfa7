import type { ShortcutInfo } from '../contract/ipc.ts';
import type { Logger } from '../core/index.ts';
import { AppError } from './app-error.ts';

/** Electron's globalShortcut, as far as TokenTray uses it. */
export interface ShortcutPort {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
  /**
   * A Wayland session: global shortcuts go through the desktop portal there (Electron's
   * GlobalShortcutsPortal feature), which only some desktops implement.
   */
  wayland: boolean;
}

/**
 * The global shortcut (Settings; off by default): one accelerator that copies the pinned
 * profile's token. A shortcut another application holds, or one that is not a shortcut, is
 * refused and the previous one stays.
 */
export function createGlobalShortcut(deps: { port: ShortcutPort; onPress(): void; logger: Logger }) {
  let current = '';
  let problem: string | null = null;

  function register(accelerator: string): 'ok' | 'shortcut_taken' | 'shortcut_invalid' {
    try {
      return deps.port.register(accelerator, deps.onPress) ? 'ok' : 'shortcut_taken';
    } catch {
      // Electron throws on an accelerator it cannot parse.
      return 'shortcut_invalid';
    }
  }

  return {
    /** Switches to `accelerator` ('' turns it off); throws when it cannot be had, keeping the old one. */
    apply(accelerator: string): void {
      if (accelerator === current && problem === null) return;
      if (current !== '') deps.port.unregister(current);
      if (accelerator === '') {
        current = '';
        problem = null;
        return;
      }
      const result = register(accelerator);
      if (result === 'ok') {
        current = accelerator;
        problem = null;
        deps.logger.info('global shortcut registered', { accelerator });
        return;
      }
      if (current !== '' && register(current) !== 'ok') current = '';
      throw new AppError(result);
    },
    /** At start: a shortcut taken meanwhile by another app is reported in Settings, not fatal. */
    start(accelerator: string): void {
      if (accelerator === '') return;
      const result = register(accelerator);
      if (result === 'ok') current = accelerator;
      else problem = result;
      if (result !== 'ok') deps.logger.warn('global shortcut not registered', { problem: result });
    },
    stop(): void {
      if (current !== '') deps.port.unregister(current);
      current = '';
    },
    info(accelerator: string): ShortcutInfo {
      return {
        accelerator,
        registered: current !== '' && current === accelerator,
        problem,
        wayland: deps.port.wayland,
      };
    },
  };
}

export type GlobalShortcut = ReturnType<typeof createGlobalShortcut>;
