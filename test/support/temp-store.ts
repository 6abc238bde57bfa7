import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { openStoreSafely } from '../../main/core/index.ts';

/**
 * A real JSON store in a temp folder, opened the way the app opens electron-store (conf is what
 * electron-store is built on; electron-store itself loads electron and cannot run here).
 */
export function createTempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-test-'));
  const filePath = join(dir, 'config.json');
  const open = () =>
    openStoreSafely(() => new Conf({ cwd: dir, configName: 'config', configFileMode: 0o600 }), filePath);
  return {
    dir,
    filePath,
    open,
    store: open().store,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
