/**
 * Engine benchmark: cold start and checkDue() cost with 1,000 profiles, over the real store
 * (conf in a temp folder), the real AES-256-GCM cipher and real HTTP to the fake server.
 * Run: npm run bench   (figures go in docs/benchmarks.md; this is not a test and asserts nothing)
 */
import { performance } from 'node:perf_hooks';
import Conf from 'conf';
import type { HttpOutcome } from '../main/core/http-client.ts';
import { createTokenService, type KeyValueStore } from '../main/core/index.ts';
import { createAesGcmCipher } from '../test/support/aes-gcm-cipher.ts';
import { OFFLINE } from '../test/support/engine-fixture.ts';
import { startFakeTokenServer } from '../test/support/fake-token-server.ts';
import { createTempStore } from '../test/support/temp-store.ts';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 1000);
const RUNS = 15;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(2)} ms`;

const server = await startFakeTokenServer({ clients: { 'bench-api-key-0001': 'bench-secret-key-0001' } });
/** For the one-by-one run, a network that never answers (until close): it measures saving, not fetching. */
const silent = (_request: unknown, options: { signal?: AbortSignal } = {}) =>
  new Promise<HttpOutcome>((resolve) => options.signal?.addEventListener('abort', () => resolve(OFFLINE)));
const temp = createTempStore();
const cipher = createAesGcmCipher();

const input = (i: number) => ({
  name: `profile ${i}`,
  provider: 'baidu' as const,
  apiKey: 'bench-api-key-0001',
  secretKey: 'bench-secret-key-0001',
  tokenUrl: server.baiduUrl,
});

/** The store, counting its whole-file writes. */
function counted(store: KeyValueStore) {
  const wrapper = {
    writes: 0,
    get: (key: string, fallback?: unknown) => store.get(key, fallback),
    set: (key: string, value: unknown) => {
      wrapper.writes += 1;
      store.set(key, value);
    },
    delete: (key: string) => store.delete(key),
  };
  return wrapper;
}

// Adding profiles one at a time, each confirmed only once it is on disk (a user at the form).
const oneByOne = createTempStore();
const oneByOneStore = counted(oneByOne.store);
const sequential = createTokenService({ store: oneByOneStore, cipher, http: silent });
const sequentialStart = performance.now();
for (let i = 0; i < PROFILES; i++) await sequential.addProfile(input(i));
const sequentialMs = performance.now() - sequentialStart;
await sequential.close();
oneByOne.cleanup();

// Adding them all at once (an import): changes made together share a write.
const store = counted(temp.store);
const seed = createTokenService({ store, cipher, maxConcurrentRequests: 8 });
const together = performance.now();
await Promise.all(Array.from({ length: PROFILES }, (_, i) => seed.addProfile(input(i))));
const togetherMs = performance.now() - together;
const togetherWrites = store.writes;
await Promise.all(seed.listProfiles().map((p) => seed.refresh(p.id)));
await seed.close();

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
const asleepStore = counted(new Conf({ cwd: temp.dir, configName: 'config' }));
const asleep = createTokenService({ store: asleepStore, cipher, now: () => later });
const before = server.issued.length;
const allDue = performance.now();
await asleep.checkDue();
const allDueMs = performance.now() - allDue;
const allDueWrites = asleepStore.writes;
await asleep.close();
const refreshed = server.issued.length - before;

// Quit with every profile's request hanging: close() must not wait for the server.
server.behave({ type: 'hang' });
const hanging = createTokenService({
  store: new Conf({ cwd: temp.dir, configName: 'config' }),
  cipher,
  now: () => later + 40 * 24 * 3600_000,
});
void hanging.checkDue();
await new Promise((resolve) => setTimeout(resolve, 100));
const quitStart = performance.now();
await hanging.close();
const quitMs = performance.now() - quitStart;
server.behave({ type: 'ok' });

await server.close();
temp.cleanup();

console.log(`TokenTray engine benchmark, ${PROFILES} profiles, Node ${process.version}`);
console.log(`  add ${PROFILES} profiles one by one, each saved:  ${ms(sequentialMs)} (${oneByOneStore.writes} writes)`);
console.log(`  add ${PROFILES} profiles at once (an import):   ${ms(togetherMs)} (${togetherWrites} writes)`);
console.log(`  cold start (open store, build engine, list): median ${ms(median(coldStarts))} over ${RUNS} runs`);
console.log(
  `  engine heap per profile after cold start:   ${(heapPerProfile / 1024).toFixed(1)} KiB${globalThis.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`,
);
console.log(`  checkDue(), nothing due:                    median ${ms(median(idle))} over ${RUNS * 4} calls`);
console.log(`  checkDue(), all ${refreshed} due (month asleep):   ${ms(allDueMs)} (${allDueWrites} writes)`);
console.log(`  close() with ${Math.min(PROFILES, 4)} requests hanging:         ${ms(quitMs)}`);
