import type { Translator } from '../contract/i18n.ts';
import type { Logger, TokenService } from '../core/index.ts';
import type { TrayAction } from '../tray/tray-menu.ts';
import { AppError } from './app-error.ts';
import type { createCommands } from './commands.ts';
import type { SettingsStore } from './settings-store.ts';
import type { Updates } from './updates.ts';

export interface UserActionDeps {
  service: TokenService;
  commands: ReturnType<typeof createCommands>;
  updates: Updates;
  settings: SettingsStore;
  notifier: { show(title: string, body: string, profileId?: string): void };
  windows: { show(profileId?: string): void };
  quit(): void;
  /** The current language's words. */
  tr(): Translator;
  startAtLogin(): boolean;
  renderTray(): void;
  logger: Logger;
}

/**
 * What the user does away from the window: tray clicks and the global shortcut. Each runs the
 * same command the window would, and says what went wrong in a notification (never a token).
 */
export function createUserActions(deps: UserActionDeps) {
  const { service, commands, notifier } = deps;
  const describe = (error: unknown) => deps.tr().t(error instanceof AppError ? error.messageKey : 'app.no_token');

  async function run(action: TrayAction): Promise<void> {
    const tr = deps.tr();
    switch (action.type) {
      case 'copy':
        try {
          await commands.copy(action.profileId, action.format, 'tray');
        } catch (error) {
          const name = service.getProfile(action.profileId)?.name ?? '';
          notifier.show(tr.t('notify.copy_failed_title', { name }), describe(error), action.profileId);
        }
        return;
      case 'refresh':
        await service.refresh(action.profileId);
        return;
      case 'open':
        deps.windows.show(action.profileId);
        return;
      case 'toggle-login':
        try {
          await commands.setSettings({ startAtLogin: !deps.startAtLogin() });
        } catch (error) {
          notifier.show(tr.t('tray.login_failed_title'), describe(error));
          deps.renderTray();
        }
        return;
      case 'install-update':
        await deps.updates.install();
        return;
      case 'quit':
        deps.quit();
        return;
    }
  }

  return {
    onTrayAction(action: TrayAction): void {
      run(action).catch((error: unknown) => {
        deps.logger.error('tray action failed', {
          action: action.type,
          error: error instanceof Error ? error.name : 'unknown',
        });
      });
    },

    /** The global shortcut: the pinned profile's token onto the clipboard, said in a notification. */
    async copyPinned(): Promise<void> {
      const tr = deps.tr();
      const id = deps.settings.get().pinnedProfileId;
      const view = id === '' ? undefined : service.getProfile(id);
      if (!view) {
        notifier.show(tr.t('notify.shortcut_title'), tr.t('notify.shortcut_no_pin'));
        return;
      }
      try {
        const { clearsInSeconds } = await commands.copy(view.id, 'raw', 'shortcut');
        const body =
          clearsInSeconds > 0
            ? tr.t('notify.shortcut_copied', { name: view.name, seconds: clearsInSeconds })
            : tr.t('notify.shortcut_copied_kept', { name: view.name });
        notifier.show(tr.t('notify.shortcut_title'), body, view.id);
      } catch {
        notifier.show(tr.t('notify.shortcut_title'), tr.t('notify.shortcut_failed', { name: view.name }), view.id);
      }
    },
  };
}
