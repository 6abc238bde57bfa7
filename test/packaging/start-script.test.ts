import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/browser-harness.ts';

/**
 * `npm start` where Electron's binary could not be downloaded (as on these machines): it says so
 * and what to do, before building anything, instead of Electron's installer error.
 */
const binaryPresent = existsSync(join(ROOT, 'node_modules/electron/path.txt'));
const start = (env: Record<string, string>) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });

describe('npm start without the Electron binary', () => {
  it.skipIf(binaryPresent)('says why it cannot start, how to get the binary, and that the CLI and server work', () => {
    const run = start({ LANG: 'en_US.UTF-8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("TokenTray cannot start: Electron's binary is not in node_modules/electron.");
    expect(run.stderr).toContain('ELECTRON_MIRROR=');
    expect(run.stderr).toContain('ELECTRON_OVERRIDE_DIST_PATH=');
    expect(run.stderr).toContain('npm run server');
    expect(run.stderr).not.toContain('install-electron');
    expect(run.stdout).toBe('');
    const zh = start({ LANG: 'zh_CN.UTF-8' });
    expect(zh.stderr).toContain('无法启动 TokenTray：Electron 的程序文件不在 node_modules/electron 中。');
  });

  it('says the same when ELECTRON_OVERRIDE_DIST_PATH names a folder without Electron', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-electron-'));
    try {
      const run = start({ LANG: 'en_US.UTF-8', ELECTRON_OVERRIDE_DIST_PATH: empty });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("TokenTray cannot start: Electron's binary is not in node_modules/electron.");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
