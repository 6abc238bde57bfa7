import { lazyPackage } from '../core/lazy-package.ts';

/** The shell's packages that start-up does not need, each loaded on first use (see core/lazy-package.ts). */

/** The log file's writer: loaded once the tray is up (lines wait until then). */
export const loadElectronLog = lazyPackage('electron-log/node', () => import('electron-log/node'), ['default']);
/** Updates: only when the build can update itself and the user has not switched it off. */
export const loadElectronUpdater = lazyPackage('electron-updater', () => import('electron-updater'), ['autoUpdater']);
