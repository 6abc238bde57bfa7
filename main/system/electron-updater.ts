import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/index.ts';
import { type UpdateBlock, type UpdaterPort, updateBlock } from '../desktop/updates.ts';
import { loadElectronUpdater } from './shell-packages.ts';

export interface InstallFacts {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  /** `process.resourcesPath`: where electron-builder leaves `package-type` and `app-update.yml`. */
  resourcesPath: string;
  /** `APPIMAGE` and `PORTABLE_EXECUTABLE_FILE`, set by those launchers. */
  env: Partial<Record<'APPIMAGE' | 'PORTABLE_EXECUTABLE_FILE', string>>;
}

/** How this copy was installed: electron-builder leaves `package-type` (deb, rpm, pacman) in resources. */
function installedPackageType(facts: InstallFacts): string | undefined {
  if (!facts.isPackaged) return undefined;
  const file = join(facts.resourcesPath, 'package-type');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * electron-updater for this installation: whether it can update itself, and the autoUpdater,
 * loaded on first use (a large chunk start-up does not need), logging through our redacting logger.
 */
export function electronUpdater(
  facts: InstallFacts,
  logger: Logger,
): { block: UpdateBlock; load(): Promise<UpdaterPort> } {
  return {
    block: updateBlock({
      isPackaged: facts.isPackaged,
      platform: facts.platform,
      packageType: installedPackageType(facts),
      appImage: facts.env.APPIMAGE,
      portable: Boolean(facts.env.PORTABLE_EXECUTABLE_FILE),
    }),
    async load() {
      const { autoUpdater } = await loadElectronUpdater();
      autoUpdater.logger = {
        info: (message: unknown) => logger.info('updater', { message: String(message) }),
        warn: (message: unknown) => logger.warn('updater', { message: String(message) }),
        error: (message: unknown) => logger.error('updater', { message: String(message) }),
        debug: () => undefined,
      };
      autoUpdater.autoDownload = true;
      // Installing is the user's decision (banner, tray), never a surprise at quit.
      autoUpdater.autoInstallOnAppQuit = false;
      return autoUpdater;
    },
  };
}
