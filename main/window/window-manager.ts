import type { EventChannel, EventPayload } from '../contract/ipc.ts';
import type { BrowserWindow } from '../electron-types.ts';
import { isOwnPage, type SenderEvent } from '../ipc/ipc-guard.ts';
import { createMainWindow, type WindowDeps } from './main-window.ts';

/**
 * One status window, created on first use and hidden (not destroyed) when closed. Events for the
 * page wait until it has loaded; a notification click lands on its profile.
 */
export function createWindowManager(deps: WindowDeps) {
  let window: BrowserWindow | undefined;
  let loaded = false;
  let focusAfterLoad: string | undefined;

  function live(): BrowserWindow | undefined {
    return window && !window.isDestroyed() ? window : undefined;
  }

  function send<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    const target = live();
    if (target && loaded) target.webContents.send(channel, payload);
  }

  return {
    show(profileId?: string): void {
      let target = live();
      if (!target) {
        loaded = false;
        target = createMainWindow(deps);
        target.webContents.on('did-finish-load', () => {
          loaded = true;
          if (focusAfterLoad) send('window:focus-profile', focusAfterLoad);
          focusAfterLoad = undefined;
        });
        window = target;
      }
      if (profileId) {
        if (loaded) send('window:focus-profile', profileId);
        else focusAfterLoad = profileId;
      }
      if (target.isMinimized()) target.restore();
      target.show();
      target.focus();
    },
    send,
    isTrustedSender: (event: SenderEvent) => isOwnPage(event, live(), deps.pageUrl),
  };
}
