import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ProfileView } from '../../main/contract/views.ts';
import { ROOT } from '../support/browser-harness.ts';
import type { FakeTokenServer } from '../support/fake-token-server.ts';
import { useBootBed } from '../support/headless/boot-bed.ts';
import { answerOf, type BootedApp, type BootOptions, bootApp, testProfile } from '../support/headless/boot-harness.ts';

/**
 * Code that is loaded on first use works in the built bundles, not only in the sources: esbuild
 * hands a bundled CommonJS package to a split chunk as nothing but `default`, where Node gives
 * named exports too (a fixed refresh time once failed that way in the shipped app only).
 */

const run = promisify(execFile);
const PROBE_CHILD = join(ROOT, 'test/support/headless/probe-child.ts');

/** Every bare package main/ imports with `import('…')`, read from the sources. */
function lazilyImported(dir = join(ROOT, 'main')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return lazilyImported(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [...readFileSync(path, 'utf8').matchAll(/\bimport\(\s*['"](?!node:)([^'"./][^'"]*)['"]\s*\)/g)].map(
      (m) => m[1] ?? '',
    );
  });
}

type Probed = { name: string; exports: string[]; result: string };

/** Loads every package a built bundle's lazy-probe declares, as the bundle does, in a fresh process. */
async function probe(bundleProbe: string, dir: string): Promise<Probed[]> {
  const { stdout } = await run(process.execPath, [PROBE_CHILD, join(ROOT, bundleProbe)], {
    env: {
      PATH: process.env.PATH ?? '',
      TOKENTRAY_STAND_IN: JSON.stringify({ appPath: ROOT, userData: dir, logs: dir, platform: process.platform }),
    },
    timeout: 60_000,
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Probed);
}

const DESKTOP_ONLY = ['electron-log/node', 'electron-updater'];
let dir: string;
let server: FakeTokenServer;
let options: BootOptions;
let app: BootedApp;
useBootBed(
  'tokentray-lazy-',
  (bed) => {
    ({ dir, server, options } = bed);
  },
  () => app,
);

describe('packages loaded on first use, in the built bundles', () => {
  it('are each declared with the names the code reads (no bare import() anywhere else in main/)', () => {
    const files = lazilyImported();
    expect(files.length).toBeGreaterThanOrEqual(8);
    // Every lazy import stands in a declarations file, where lazyPackage() checks its names.
    const declarations = readFileSync(join(ROOT, 'main/core/lazy-packages.ts'), 'utf8').concat(
      readFileSync(join(ROOT, 'main/system/shell-packages.ts'), 'utf8'),
    );
    for (const name of files) expect(declarations, name).toContain(`lazyPackage('${name}', () => import('${name}')`);
  });

  it('load from the desktop bundle’s own chunks, every declared name present', async () => {
    const probed = await probe('dist/main/lazy-probe.js', dir);
    expect(probed.map((p) => p.name).sort()).toEqual([...new Set(lazilyImported())].sort());
    expect(probed.filter((p) => p.result !== 'ok')).toEqual([]);
    expect(probed.find((p) => p.name === 'cron-parser')?.exports).toEqual(['CronExpressionParser']);
    // The chunks exist as separate files: they are lazy, not in the start-up path.
    expect(readdirSync(join(ROOT, 'dist/main/chunks')).length).toBeGreaterThanOrEqual(6);
  });

  it('load from the server bundle, every declared name present', async () => {
    const probed = await probe('dist/server/lazy-probe.mjs', dir);
    const engine = [...new Set(lazilyImported())].filter((name) => !DESKTOP_ONLY.includes(name)).sort();
    expect(probed.map((p) => p.name).sort()).toEqual(engine);
    expect(probed.filter((p) => p.result !== 'ok')).toEqual([]);
  });
});

/** Asia/Shanghai has no daylight saving: 09:00 there is 01:00 UTC on every day. */
function nextWeekdayNineInShanghai(after: number): number {
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' });
  const day = new Date(after);
  day.setUTCHours(1, 0, 0, 0);
  for (let at = day.getTime(); ; at += 24 * 3600_000) {
    if (at > after && !['Sat', 'Sun'].includes(weekday.format(at))) return at;
  }
}

describe('a fixed refresh time in the built app', () => {
  it('is accepted through the window, shows its next run, and refreshes then', async () => {
    app = await bootApp({ ...options, env: { TZ: 'Asia/Shanghai' } });
    await app.until((s) => expect(s.windows[0]?.exposed).toEqual(['tokentray']));
    const added = await answerOf<ProfileView>(
      app.api('addProfile', { ...testProfile('ERNIE weekday', 'baidu', server.baiduUrl), cron: '0 9 * * 1-5' }),
    );
    expect(added.cron).toBe('0 9 * * 1-5');
    const view = async () => {
      const listed = await answerOf<ProfileView[]>(app.api('listProfiles'));
      return listed.find((p) => p.id === added.id) as ProfileView;
    };
    await expect.poll(async () => (await view()).status, { timeout: 10_000 }).toBe('valid');
    const first = await view();
    const firstRun = nextWeekdayNineInShanghai(first.refreshedAt ?? 0);
    expect(first.nextRefreshAt).toBe(firstRun);

    // The clock moves past the scheduled minute (the machine slept through it): one refresh.
    const before = server.requests.length;
    await app.call('power', 'suspend');
    await app.call('advanceClock', firstRun - Date.now() + 60_000);
    await app.call('power', 'resume');
    await expect.poll(async () => (await view()).refreshedAt ?? 0, { timeout: 10_000 }).toBeGreaterThan(firstRun);
    expect(server.requests.length - before).toBe(1);
    const renewed = await view();
    expect(renewed.status).toBe('valid');
    expect(renewed.nextRefreshAt).toBe(nextWeekdayNineInShanghai(renewed.refreshedAt ?? 0));
    expect((await app.state()).violations).toEqual([]);
  });
});
