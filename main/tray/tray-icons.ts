import { join } from 'node:path';
import type { NativeImage } from '../electron-types.ts';
import type { Health } from './tray-status.ts';

/** macOS: template PNGs (the system tints them); Windows: multi-size .ico; Linux: PNG (+@2x). */
export function trayIcons(
  platform: NodeJS.Platform,
  folder: string,
  load: (path: string) => NativeImage,
): Record<Health, NativeImage> {
  const file = (state: Health) => {
    if (platform === 'darwin') return `tray-${state}Template.png`;
    if (platform === 'win32') return `tray-${state}.ico`;
    return `tray-${state}.png`;
  };
  const icon = (state: Health) => load(join(folder, file(state)));
  return { ok: icon('ok'), warning: icon('warning'), error: icon('error') };
}
