/**
 * Gateway benchmark: the built tokentray-server (dist/server) in front of a loopback API, each
 * figure measured beside a direct call to the same API in the same run.
 *  1. Added latency under a steady 500 requests/s (open loop), direct and through the gateway
 *     interleaved in rounds: p50 and p99 of each, and the difference (goal: at most 1 ms each).
 *  2. Time to first byte of a streamed (SSE) answer, direct and through the gateway, median of
 *     RUNS (goal: at most 1 ms added).
 *  3. A 100 MB answer's throughput through the gateway as a share of direct (goal: at least 80 %).
 *  4. 1,000 streams held open at once: the server's resident memory before and during, per
 *     stream (goal: flat, a few KiB each).
 * Yardsticks in the same run, each in its own process in front of the same API: a bare Node proxy
 * (bench/support/floor-proxy.ts: the floor for any proxy written on Node) and nginx when installed.
 * Run: npm run bench:gateway   (builds first; prints figures, asserts nothing).
 * BENCH_SECONDS=10 BENCH_RATE=500 BENCH_RUNS=200 BENCH_STREAMS=1000 by default.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp, ROOT } from '../test/support/browser-harness.ts';
import { startFakeTokenServer } from '../test/support/fake-token-server.ts';
import { freePort } from '../test/support/free-port.ts';
import { median, ms, openLoop } from './support/load.ts';
import { startFloorProxy, startNginx, type Yardstick } from './support/yardsticks.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const BIG = 100 * 1024 * 1024;

buildApp();
const dir = mkdtempSync(join(tmpdir(), 'tokentray-gw-bench-'));
const tokens = await startFakeTokenServer({ clients: { 'bench-api-key-0001': 'bench-secret-key-0001' } });

// The API: a small JSON answer, an SSE stream, a 100 MB answer, and streams that stay open.
const chunk = Buffer.alloc(64 * 1024, 120);
const held = new Set<import('node:http').ServerResponse>();
const api = createServer((req, res) => {
  req.resume();
  if (req.url?.startsWith('/small')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":"ok"}');
  } else if (req.url?.startsWith('/stream')) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"result":"first"}\n\n');
    setTimeout(() => res.end('data: [DONE]\n\n'), 5);
  } else if (req.url?.startsWith('/big')) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG) });
    let sent = 0;
    const pump = () => {
      while (sent < BIG) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  } else {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: open\n\n');
    held.add(res);
  }
});
api.maxConnections = 10_000;
await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
const apiPort = (api.address() as AddressInfo).port;
const origin = `http://127.0.0.1:${apiPort}`;

const port = await freePort();
writeFileSync(join(dir, 'key'), 'bench-api-key-0001\n');
writeFileSync(
  join(dir, 'server.yaml'),
  `state: ./state
listen:
  port: ${port}
  maxConnections: ${STREAMS + 200}
profiles:
  - name: ERNIE
    provider: baidu
    tokenUrl: ${tokens.baiduUrl}
    apiKey: { file: key }
    secretKey: { env: BENCH_SECRET }
    options:
      apiOrigins: ${origin}
`,
);
const child = spawn(
  process.execPath,
  [
    // BENCH_CPU_PROF=<folder>: the server writes a CPU profile there as it stops.
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
    join(ROOT, 'dist/server/tokentray-server.mjs'),
    '--config',
    join(dir, 'server.yaml'),
  ],
  {
    env: { PATH: process.env.PATH ?? '', BENCH_SECRET: 'bench-secret-key-0001' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await new Promise<void>((resolve, reject) => {
  child.stdout?.on('data', (data) => {
    if (String(data).includes('tokentray-server ready')) resolve();
  });
  child.once('exit', (code) => reject(new Error(`the server exited ${code}`)));
});
const secret = readFileSync(join(dir, 'state', 'api', 'secret'), 'utf8').trim();
const yardsticks: Yardstick[] = [await startFloorProxy(apiPort)];
const nginx = await startNginx(apiPort);
if (nginx) yardsticks.push(nginx);
const peerLatency = new Map<string, { p50: number; p99: number; errors: number }[]>(
  yardsticks.map((y) => [y.name, []]),
);
const peerSpeed = new Map<string, number[]>(yardsticks.map((y) => [y.name, []]));

// 1. Latency under load, in alternating rounds so both see the same machine.
const direct: { p50: number; p99: number; errors: number }[] = [];
const through: { p50: number; p99: number; errors: number }[] = [];
for (let round = 0; round < 3; round++) {
  direct.push(await openLoop({ target: { port: apiPort }, path: '/small', secret, rate: RATE, seconds: SECONDS }));
  through.push(await openLoop({ target: { port }, path: '/gw/ERNIE/small', secret, rate: RATE, seconds: SECONDS }));
  for (const y of yardsticks)
    peerLatency
      .get(y.name)
      ?.push(await openLoop({ target: { port: y.port }, path: '/small', secret, rate: RATE, seconds: SECONDS }));
}
const pick = (results: { p50: number; p99: number }[], key: 'p50' | 'p99') => median(results.map((r) => r[key]));

// 2. Time to first byte of a stream.
const agent = new Agent({ keepAlive: true });
const firstByte = (target: number, path: string) =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port: target,
        path,
        agent,
        headers: { host: 'localhost', authorization: `Bearer ${secret}` },
      },
      (res) => {
        res.once('data', () => resolve(performance.now() - started));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end();
  });
const ttfbDirect: number[] = [];
const ttfbGateway: number[] = [];
for (let run = 0; run < RUNS; run++) {
  ttfbDirect.push(await firstByte(apiPort, '/stream'));
  ttfbGateway.push(await firstByte(port, '/gw/ERNIE/stream'));
}

// 3. A 100 MB answer.
const download = (target: number, path: string) =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now();
    let size = 0;
    const req = request(
      { host: '127.0.0.1', port: target, path, headers: { host: 'localhost', authorization: `Bearer ${secret}` } },
      (res) => {
        res.on('data', (data: Buffer) => {
          size += data.length;
        });
        res.on('end', () =>
          size === BIG
            ? resolve(BIG / 1024 / 1024 / ((performance.now() - started) / 1000))
            : reject(new Error(`got ${size} bytes`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
const speedDirect: number[] = [];
const speedGateway: number[] = [];
for (let run = 0; run < 3; run++) {
  speedDirect.push(await download(apiPort, '/big'));
  speedGateway.push(await download(port, '/gw/ERNIE/big'));
  for (const y of yardsticks) peerSpeed.get(y.name)?.push(await download(y.port, '/big'));
}

// 4. Streams held open.
const rss = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;
global.gc?.();
const before = rss();
const openAgent = new Agent({ keepAlive: false, maxSockets: STREAMS + 10 });
const opened = await Promise.all(
  Array.from(
    { length: STREAMS },
    () =>
      new Promise<import('node:http').ClientRequest>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/gw/ERNIE/hold',
            agent: openAgent,
            headers: { host: 'localhost', authorization: `Bearer ${secret}` },
          },
          (res) => res.once('data', () => resolve(req)),
        );
        req.on('error', reject);
        req.end();
      }),
  ),
);
await new Promise((resolve) => setTimeout(resolve, 1000));
const during = rss();
for (const req of opened) req.destroy();
for (const res of held) res.end();

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
for (const y of yardsticks) await y.stop();
api.closeAllConnections();
api.close();
await tokens.close();
rmSync(dir, { recursive: true, force: true });

const added = (key: 'p50' | 'p99') => pick(through, key) - pick(direct, key);
console.log(
  `latency at ${RATE}/s, ${SECONDS} s x 3 rounds each: direct p50 ${ms(pick(direct, 'p50'))} p99 ${ms(pick(direct, 'p99'))}; gateway p50 ${ms(pick(through, 'p50'))} p99 ${ms(pick(through, 'p99'))}; added p50 ${ms(added('p50'))} p99 ${ms(added('p99'))} (goal <= 1 ms each); errors ${[...direct, ...through].reduce((n, r) => n + r.errors, 0)}`,
);
for (const y of yardsticks) {
  const results = peerLatency.get(y.name) ?? [];
  console.log(
    `  yardstick ${y.name}: p50 ${ms(pick(results, 'p50'))} p99 ${ms(pick(results, 'p99'))}; added p50 ${ms(pick(results, 'p50') - pick(direct, 'p50'))} p99 ${ms(pick(results, 'p99') - pick(direct, 'p99'))}`,
  );
}
console.log(
  `time to first byte of a stream, median of ${RUNS}: direct ${ms(median(ttfbDirect))}, gateway ${ms(median(ttfbGateway))}, added ${ms(median(ttfbGateway) - median(ttfbDirect))} (goal <= 1 ms)`,
);
console.log(
  `100 MB answer, median of 3: direct ${median(speedDirect).toFixed(0)} MiB/s, gateway ${median(speedGateway).toFixed(0)} MiB/s = ${((median(speedGateway) / median(speedDirect)) * 100).toFixed(0)} % (goal >= 80 %)`,
);
for (const y of yardsticks) {
  const speed = median(peerSpeed.get(y.name) ?? []);
  console.log(
    `  yardstick ${y.name}: ${speed.toFixed(0)} MiB/s = ${((speed / median(speedDirect)) * 100).toFixed(0)} % of direct; the gateway is ${((median(speedGateway) / speed) * 100).toFixed(0)} % of it`,
  );
}
console.log(
  `${STREAMS} streams open through the gateway: server RSS ${before.toFixed(1)} MiB before, ${during.toFixed(1)} MiB during, ${(((during - before) * 1024) / STREAMS).toFixed(1)} KiB per stream`,
);
process.exit(0);
