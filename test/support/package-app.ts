import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, Platform } from 'electron-builder';
import { ROOT } from './browser-harness.ts';

/**
 * Builds the unpacked Linux app (`--linux dir`) offline from the real electron-builder.yml,
 * with `electronDist` pointing at a placeholder Electron: a folder holding an executable named
 * `electron`. Fuses are left out because a placeholder has no fuse sentinel to flip.
 * Needs `npm run build` first. Returns the path of the unpacked app.
 */
export async function buildUnpackedLinux(): Promise<{ appDir: string; asar: string; workDir: string }> {
  const workDir = mkdtempSync(join(tmpdir(), 'tokentray-pack-'));
  const electronDist = join(workDir, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "placeholder Electron"\n');
  chmodSync(join(electronDist, 'electron'), 0o755);
  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir'),
    config: {
      electronDist,
      electronFuses: null,
      directories: { output: join(workDir, 'out'), buildResources: 'assets' },
    },
    publish: 'never',
  });
  const appDir = join(workDir, 'out', 'linux-unpacked');
  return { appDir, asar: join(appDir, 'resources', 'app.asar'), workDir };
}
