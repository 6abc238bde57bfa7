import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/browser-harness.ts';
import { buildUnpackedLinux } from '../support/package-app.ts';

const load = (file: string, overrides: Partial<Configuration> | null = null) =>
  getConfig(ROOT, file, overrides as Configuration | null) as Promise<Configuration>;

describe('electron-builder configuration', () => {
  it.each(['electron-builder.yml', 'electron-builder.e2e.yml'])(
    '%s passes electron-builder’s own schema',
    async (file) => {
      await expect(validateConfiguration(await load(file), new DebugLogger(false))).resolves.toBeUndefined();
    },
  );

  it('rejects an unknown key, so the check above can fail', async () => {
    const broken = await load('electron-builder.yml', { nsis: { oneClik: false } } as never);
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });

  it('locks the release binary down with fuses, and only the e2e variant keeps inspect', async () => {
    const release = await load('electron-builder.yml');
    expect(release.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
    const e2e = await load('electron-builder.e2e.yml');
    expect(e2e.electronFuses).toEqual({ ...release.electronFuses, enableNodeCliInspectArguments: true });
    expect(e2e.publish).toBeNull();
  });

  it('builds a dmg and zip for both Mac architectures, hardened and tray-only', async () => {
    const { mac } = await load('electron-builder.yml');
    expect(mac?.target).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
    expect(mac).toMatchObject({ hardenedRuntime: true, extendInfo: { LSUIElement: true } });
    expect(readFileSync(join(ROOT, mac?.entitlements ?? 'missing'), 'utf8')).toContain(
      'com.apple.security.cs.allow-jit',
    );
  });

  it('builds a per-user NSIS installer with a choosable directory, and a portable exe', async () => {
    const config = await load('electron-builder.yml');
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true });
    const targets = (config.win?.target ?? []) as { target: string }[];
    expect(targets.map((t) => t.target)).toEqual(['nsis', 'portable']);
  });

  it('builds AppImage, deb and rpm in Development, with tray and keyring dependencies', async () => {
    const config = await load('electron-builder.yml');
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb', 'rpm'], category: 'Development' });
    expect(config.deb?.depends).toEqual(
      expect.arrayContaining(['libsecret-1-0', 'libayatana-appindicator3-1 | libappindicator3-1']),
    );
    expect(config.rpm?.depends).toEqual(
      expect.arrayContaining(['libsecret', '(libappindicator-gtk3 or libayatana-appindicator-gtk3)']),
    );
    expect(config.publish).toEqual([{ provider: 'github', releaseType: 'draft' }]);
  });

  it('points at icons that exist, for every platform and tray state', async () => {
    const config = await load('electron-builder.yml');
    for (const icon of [config.mac?.icon, config.win?.icon])
      expect(statSync(join(ROOT, icon ?? 'missing')).size).toBeGreaterThan(10_000);
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024])
      expect(existsSync(join(ROOT, config.linux?.icon ?? '', `${size}x${size}.png`))).toBe(true);
    for (const state of ['ok', 'warning', 'error']) {
      for (const suffix of ['.png', '@2x.png', 'Template.png', 'Template@2x.png', '.ico']) {
        expect(existsSync(join(ROOT, 'assets/tray', `tray-${state}${suffix}`)), `${state}${suffix}`).toBe(true);
      }
    }
    expect(readFileSync(join(ROOT, 'assets/icons/icon.icns')).subarray(0, 4).toString()).toBe('icns');
    expect([...readFileSync(join(ROOT, 'assets/icons/icon.ico')).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });
});

describe('the packaged app', () => {
  let built: Awaited<ReturnType<typeof buildUnpackedLinux>>;
  let files: string[];

  beforeAll(async () => {
    built = await buildUnpackedLinux();
    files = listPackage(built.asar, { isPack: false });
  }, 120_000);
  afterAll(() => {
    if (built) rmSync(built.workDir, { recursive: true, force: true });
  });

  it('holds the built main, preload and renderer and the icons the app loads', () => {
    for (const file of [
      '/package.json',
      '/dist/main/start.js',
      '/dist/preload/preload.cjs',
      '/dist/renderer/index.html',
      '/assets/tray/tray-ok.png',
      '/assets/icons/icon.png',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.some((f) => /^\/dist\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
  });

  it('ships the tokentray CLI beside the app, runnable by Node with nothing else installed', () => {
    const cli = join(built.appDir, 'resources', 'cli', 'tokentray.mjs');
    expect(readFileSync(cli, 'utf8')).toBe(readFileSync(join(ROOT, 'dist/cli/tokentray.mjs'), 'utf8'));
    const text = readFileSync(cli, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const imports = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1] ?? '');
    expect(imports.filter((name) => !name.startsWith('node:'))).toEqual([]);
    const run = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', cwd: tmpdir() });
    expect(run.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
    expect(files.filter((f) => f.includes('/cli/'))).toEqual([]);
  });

  it('holds no sources, tests, maps, dev tools or dependency folders', () => {
    const unwanted = files.filter(
      (f) =>
        f.startsWith('/node_modules') ||
        f.startsWith('/test') ||
        f.startsWith('/main') ||
        f.startsWith('/renderer') ||
        f.startsWith('/bench') ||
        /\.(ts|map|svg)$/.test(f),
    );
    expect(unwanted).toEqual([]);
    expect(existsSync(join(built.appDir, 'tokentray'))).toBe(true);
  });

  it('runs on Electron and Node alone: the bundled main imports nothing but its own chunks', () => {
    const bundles = files.filter((f) => f.startsWith('/dist/main/') && f.endsWith('.js'));
    expect(bundles.length).toBeGreaterThan(1);
    const foreign: string[] = [];
    let text = '';
    for (const bundle of bundles) {
      const main = extractFile(built.asar, bundle.slice(1)).toString();
      text += main;
      const imports = [...main.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\(\s*)["']([^"']+)["']/g)].map(
        (m) => m[1] ?? '',
      );
      foreign.push(
        ...imports.filter(
          (name) =>
            name !== 'electron' &&
            // Text that only looks like an import (a log line's `from "${…}"` in a template string).
            !name.includes('${') &&
            !name.startsWith('node:') &&
            !name.startsWith('./') &&
            !name.startsWith('../') &&
            !/^(fs|fs\/promises|path|os|util|events|http|https|http2|net|tls|url|crypto|stream|zlib|child_process|buffer|process|assert|dns|timers|module|worker_threads|string_decoder|querystring)$/.test(
              name,
            ),
        ),
      );
    }
    expect(foreign).toEqual([]);
    expect(text).toContain('aip.baidubce.com/oauth/2.0/token');
    // conf's optional schema validator is never used, so ajv is not shipped (scripts/stubs/unused-ajv.mjs).
    expect(text).not.toContain('ajv.js.org');
  });
});
