/**
 * Engine benchmark: cold start and checkDue() cost with 1,000 profiles, over the real store
 * (conf in a temp folder), the real AES-256-GCM cipher and real HTTP to the fake server.
 * Run: npm run bench   (figures go in the README; this is not a test and asserts nothing)
 */
import { performance } from 'node:perf_hooks';
import Conf from 'conf';
import { createTokenService } from '../main/core/index.ts';
import { createAesGcmCipher } from '../test/support/aes-gcm-cipher.ts';
import { startFakeTokenServer } from '../test/support/fake-token-server.ts';
import { createTempStore } from '../test/support/temp-store.ts';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 1000);
const RUNS = 15;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(2)} ms`;

const server = await startFakeTokenServer({ clients: { 'bench-api-key-0001': 'bench-secret-key-0001' } });
const temp = createTempStore();
const cipher = createAesGcmCipher();

// Fill the store: every profile added and given a real token over HTTP.
const fill = performance.now();
const seed = createTokenService({ store: temp.store, cipher, maxConcurrentRequests: 8 });
for (let i = 0; i < PROFILES; i++) {
  await seed.addProfile({
    name: `profile ${i}`,
    provider: 'baidu',
    apiKey: 'bench-api-key-0001',
    secretKey: 'bench-secret-key-0001',
    tokenUrl: server.baiduUrl,
  });
}
await Promise.all(seed.listProfiles().map((p) => seed.refresh(p.id)));
await seed.close();
const fillMs = performance.now() - fill;

// Cold start: open the file, build the engine, list every profile (what the tray does first).
const coldStarts: number[] = [];
let heapPerProfile = 0;
for (let run = 0; run < RUNS; run++) {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const service = createTokenService({
    store: new Conf({ cwd: temp.dir, configName: 'config' }),
    cipher,
  });
  const views = service.listProfiles();
  coldStarts.push(performance.now() - start);
  if (views.length !== PROFILES) throw new Error(`expected ${PROFILES} profiles, got ${views.length}`);
  heapPerProfile = (process.memoryUsage().heapUsed - heapBefore) / PROFILES;
  await service.close();
}

// checkDue() when nothing is due: the cost of every 30-second tick.
const service = createTokenService({ store: new Conf({ cwd: temp.dir, configName: 'config' }), cipher });
const idle: number[] = [];
for (let run = 0; run < RUNS * 4; run++) {
  const start = performance.now();
  await service.checkDue();
  idle.push(performance.now() - start);
}
await service.close();

// checkDue() when every token is due (a month asleep): 1,000 real refreshes, 4 at a time.
const later = Date.now() + 40 * 24 * 3600_000;
const asleep = createTokenService({
  store: new Conf({ cwd: temp.dir, configName: 'config' }),
  cipher,
  now: () => later,
});
const before = server.issued.length;
const allDue = performance.now();
await asleep.checkDue();
const allDueMs = performance.now() - allDue;
await asleep.close();
const refreshed = server.issued.length - before;

await server.close();
temp.cleanup();

console.log(`TokenTray engine benchmark, ${PROFILES} profiles, Node ${process.version}`);
console.log(`  fill (add + first fetch of every profile):  ${ms(fillMs)}`);
console.log(`  cold start (open store, build engine, list): median ${ms(median(coldStarts))} over ${RUNS} runs`);
console.log(
  `  engine heap per profile after cold start:   ${(heapPerProfile / 1024).toFixed(1)} KiB${globalThis.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`,
);
console.log(`  checkDue(), nothing due:                    median ${ms(median(idle))} over ${RUNS * 4} calls`);
console.log(`  checkDue(), all ${refreshed} due (month asleep):   ${ms(allDueMs)}`);
