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
import { bootApp } from '../test/support/headless/boot-harness.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

buildApp();
const dir = mkdtempSync(join(tmpdir(), 'tokentray-startup-'));
const toTray: number[] = [];
const evaluate: number[] = [];
const nodeBare: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  nodeBare.push(performance.now() - started);
  const app = await bootApp({
    userData: join(dir, `run${run % 2}`),
    logs: join(dir, 'logs'),
    xdgConfig: join(dir, 'xdg'),
    argv: ['tokentray', '--hidden'],
  });
  const state = await app.until((s) => {
    if (s.marks.trayMenu === undefined) throw new Error('no tray yet');
  });
  const { bundleImport = 0, bundleEvaluated = 0, trayMenu = 0 } = state.marks;
  toTray.push(trayMenu - bundleImport);
  evaluate.push(bundleEvaluated - bundleImport);
  await app.call('quit');
  await app.exit();
}
rmSync(dir, { recursive: true, force: true });

console.log(`TokenTray start-up benchmark, Node ${process.version}, ${RUNS} runs`);
console.log(`  import of dist/main evaluated:          median ${median(evaluate).toFixed(1)} ms`);
console.log(`  import → tray menu built:               median ${median(toTray).toFixed(1)} ms (target <= 50 ms)`);
console.log(`  node -e 0 (whole process, yardstick):   median ${median(nodeBare).toFixed(1)} ms`);
