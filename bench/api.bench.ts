/**
 * Local API benchmark, against the built app (dist/main under the headless boot harness) and the
 * built CLI (dist/cli/tokentray.mjs):
 *  1. `tokentray token <profile>` wall time beside `node -e 0`, interleaved, median of RUNS each;
 *     the ratio is the figure (goal: at most 2×).
 *  2. The token endpoint under a steady 500 requests/s for SECONDS (open loop: requests leave on
 *     schedule whether or not earlier ones have answered), over loopback TCP and over the socket:
 *     p50, p99, max and errors (goal: p99 <= 2 ms, 0 errors).
 * Run: npm run bench:api   (builds first; prints figures, asserts nothing).
 * BENCH_RUNS=20 BENCH_SECONDS=30 BENCH_RATE=500 by default.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { apiLocation } from '../main/contract/local-api.ts';
import { buildApp, ROOT } from '../test/support/browser-harness.ts';
import { startFakeTokenServer } from '../test/support/fake-token-server.ts';
import { freePort } from '../test/support/free-port.ts';
import { bootApp } from '../test/support/headless/boot-harness.ts';
import { median, ms, openLoop } from './support/load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const CLI = join(ROOT, 'dist/cli/tokentray.mjs');

buildApp();
const dir = mkdtempSync(join(tmpdir(), 'tokentray-api-bench-'));
const userData = join(dir, 'TokenTray');
const server = await startFakeTokenServer({ clients: { 'bench-api-key-0001': 'bench-secret-key-0001' } });
const app = await bootApp({ userData, logs: join(dir, 'logs'), xdgConfig: join(dir, 'xdg') });
await app.until((s) => {
  if (!s.windows[0]?.exposed.includes('tokentray')) throw new Error('no window yet');
});
const added = await app.api('addProfile', {
  name: 'ERNIE',
  provider: 'baidu',
  apiKey: 'bench-api-key-0001',
  secretKey: 'bench-secret-key-0001',
  tokenUrl: server.baiduUrl,
});
if (!added.ok) throw new Error('could not add the profile');
await app.until((s) => {
  if (!s.tray?.menu[0]?.label.includes('Valid')) throw new Error('no token yet');
});

// 1. The CLI beside `node -e 0`, interleaved so both see the same machine.
const env = { ...process.env, TOKENTRAY_DATA_DIR: userData };
const cli: number[] = [];
const bare: number[] = [];
execFileSync(process.execPath, [CLI, 'token', 'ERNIE'], { env });
for (let run = 0; run < RUNS; run++) {
  let started = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  bare.push(performance.now() - started);
  started = performance.now();
  const token = execFileSync(process.execPath, [CLI, 'token', 'ERNIE'], { env, encoding: 'utf8' });
  cli.push(performance.now() - started);
  if (token.trim() !== server.issued[0]) throw new Error('the CLI printed something else');
}

// 2. The endpoint under load.
const port = await freePort();
const set = await app.api('setSettings', { apiTcpEnabled: true, apiTcpPort: port });
if (!set.ok) throw new Error('could not switch TCP on');
const location = apiLocation(userData, process.platform);
const secret = readFileSync(location.secretFile, 'utf8').trim();

const load = (target: { port: number } | { socketPath: string }) =>
  openLoop({ target, path: '/v1/profiles/ERNIE/token', secret, rate: RATE, seconds: SECONDS });
const tcp = await load({ port });
const socket = await load({ socketPath: location.endpoint });
await app.call('quit');
await app.exit();
await server.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `tokentray token <profile>: median ${ms(median(cli))}; node -e 0: median ${ms(median(bare))}; ratio ${(median(cli) / median(bare)).toFixed(2)}× (goal <= 2×), ${RUNS} runs each`,
);
for (const [name, result] of [
  ['loopback TCP', tcp],
  ['Unix socket', socket],
] as const) {
  console.log(
    `${name}: ${result.requests} requests at ${RATE}/s (achieved ${result.achievedRate}/s): p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, max ${ms(result.max)}, errors ${result.errors} (goal: p99 <= 2 ms, 0 errors)`,
  );
}
