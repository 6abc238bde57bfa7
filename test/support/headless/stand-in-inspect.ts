import { ipcMain, type standIn as StandIn, type StandInTray } from './electron-stand-in.ts';

interface MenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: MenuItem[];
}

export interface MenuView {
  label: string;
  enabled: boolean;
  checked?: boolean;
  submenu?: MenuView[];
}

function menuView(items: MenuItem[]): MenuView[] {
  return items
    .filter((item) => item.type !== 'separator')
    .map((item) => ({
      label: item.label ?? '',
      enabled: item.enabled !== false,
      ...(item.checked === undefined ? {} : { checked: item.checked }),
      ...(item.submenu ? { submenu: menuView(item.submenu) } : {}),
    }));
}

function trayView(tray: StandInTray | undefined) {
  return tray && { menu: menuView(tray.menu), tooltip: tray.tooltip, icon: tray.image.path, destroyed: tray.destroyed };
}

/** Everything the test may ask about what the app did, as plain data. */
export function inspect(s: typeof StandIn) {
  return {
    ready: s.ready,
    violations: s.violations,
    calls: s.calls,
    paths: s.paths,
    setPathCalls: s.setPathCalls,
    handlers: [...s.handlers.keys()].sort(),
    listeners: ipcMain.eventNames().map(String).sort(),
    schemes: s.schemes,
    protocols: [...s.protocolHandlers.keys()],
    dialogs: s.dialogs,
    shortcuts: [...s.shortcuts.keys()],
    windows: s.windows.map((w) => ({
      url: w.webContents.url,
      visible: w.visible,
      destroyed: w.destroyed,
      webPreferences: w.options.webPreferences,
      received: w.webContents.page?.received ?? [],
      exposed: Object.keys(w.webContents.page?.exposed ?? {}),
    })),
    webContents: s.webContents.length,
    tray: trayView(s.trays.at(-1)),
    trays: s.trays.length,
    notifications: s.notifications.map((n) => ({ title: n.title, body: n.body, shown: n.shown })),
    clipboard: s.clipboard,
    loginItem: s.loginItem,
    quit: s.quit,
    e2eGlobal: '__tokentrayE2E' in globalThis,
    marks: s.marks,
  };
}

export type StandInState = ReturnType<typeof inspect>;
