/**
 * The Electron types the shell's modules are written against, in one place. Only this file, the
 * composition root (index.ts) and the preload import 'electron' (the linter enforces it); every
 * other module takes its Electron pieces as parameters of these types, so tests can pass fakes
 * and `tsc` still checks them against Electron's own electron.d.ts. Types only: nothing here runs.
 */
export type {
  App,
  BrowserWindow,
  BrowserWindowConstructorOptions,
  Dialog,
  IpcMain,
  IpcMainInvokeEvent,
  Menu,
  MenuItemConstructorOptions,
  NativeImage,
  NotificationConstructorOptions,
  SafeStorage,
  Session,
  Tray,
  WebContents,
} from 'electron';
