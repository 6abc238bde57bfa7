/**
 * Start-up benchmark: how long the built main bundle takes from `import` to the tray menu being
 * built, under the headless boot harness (plain Node, the stand-in `electron`), median of several
 * runs, beside `node -e 0` measured in the same run as a yardstick for the machine's speed.
 * Run: npm run bench:startup   (builds first; prints figures, asserts nothing). Target: <= 50 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../test/support/browser-harness.ts';
import { startFakeTokenServer } from '../test/support/fake-token-server.ts';
import { bootApp } from '../test/support/headless/boot-harness.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

buildApp();
const dir = mkdtempSync(join(tmpdir(), 'tokentray-startup-'));
const cache = join(dir, 'compile-cache');
const nodeBare: number[] = [];
const paths = (name: string) => ({
  userData: join(dir, name),
  logs: join(dir, 'logs'),
  xdgConfig: join(dir, 'xdg'),
});

/** One start, hidden as at login; how long from importing the bundle to the tray menu built. */
async function start(userData: string, env: Record<string, string>) {
  const app = await bootApp({ ...paths(userData), argv: ['tokentray', '--hidden'], env });
  const state = await app.until((s) => {
    if (s.marks.trayMenu === undefined) throw new Error('no tray yet');
  });
  await app.call('quit');
  await app.exit();
  const { bundleImport = 0, bundleEvaluated = 0, trayMenu = 0 } = state.marks;
  return { evaluate: bundleEvaluated - bundleImport, toTray: trayMenu - bundleImport };
}

// A user's start at login: three profiles with valid tokens (so the tray shows countdowns).
const server = await startFakeTokenServer({ clients: { 'bench-api-key-0001': 'bench-secret-key-0001' } });
const seed = await bootApp(paths('with-profiles'));
await seed.until((s) => {
  if (!s.windows[0]?.exposed.includes('tokentray')) throw new Error('no window yet');
});
for (const [name, provider, tokenUrl] of [
  ['ERNIE', 'baidu', server.baiduUrl],
  ['Lark bot', 'feishu', server.feishuUrl],
  ['gateway', 'oauth2', server.oauthUrl],
] as const) {
  const added = await seed.api('addProfile', {
    name,
    provider,
    apiKey: 'bench-api-key-0001',
    secretKey: 'bench-secret-key-0001',
    tokenUrl,
  });
  if (!added.ok) throw new Error(`could not add ${name}`);
}
await seed.until((s) => {
  if (!s.tray?.menu.slice(0, 3).every((item) => item.label.includes('Valid'))) throw new Error('not valid yet');
});
await seed.call('quit');
await seed.exit();
await server.close();

type Figures = { evaluate: number[]; toTray: number[] };
const scenarios = {
  'first run (no profiles)': 'first-run',
  'three profiles': 'with-profiles',
} as const;
const results: Record<string, { cold: Figures; warm: Figures }> = {};
for (const name of Object.keys(scenarios)) {
  results[name] = { cold: { evaluate: [], toTray: [] }, warm: { evaluate: [], toTray: [] } };
}
await start('first-run', { NODE_COMPILE_CACHE: cache });
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  nodeBare.push(performance.now() - started);
  for (const [name, folder] of Object.entries(scenarios)) {
    const result = results[name] as { cold: Figures; warm: Figures };
    for (const [into, env] of [
      [result.cold, { NODE_DISABLE_COMPILE_CACHE: '1' }],
      [result.warm, { NODE_COMPILE_CACHE: cache }],
    ] as const) {
      const figures = await start(folder, env);
      into.evaluate.push(figures.evaluate);
      into.toTray.push(figures.toTray);
    }
  }
}
rmSync(dir, { recursive: true, force: true });

const ms = (values: number[]) => `${median(values).toFixed(1)} ms`.padStart(9);
console.log(`TokenTray start-up benchmark, Node ${process.version}, median of ${RUNS} runs each`);
console.log('                                              no compile cache   compile cache');
for (const [name, { cold, warm }] of Object.entries(results)) {
  console.log(`  ${name}`);
  console.log(`    import of dist/main evaluated:              ${ms(cold.evaluate)}        ${ms(warm.evaluate)}`);
  console.log(`    import → tray menu built (target <= 50 ms): ${ms(cold.toTray)}        ${ms(warm.toTray)}`);
}
console.log(`  node -e 0 (a whole process, yardstick):       ${ms(nodeBare)}`);
