/**
 * Team mode benchmark, against a real redis-server and the fake token server on loopback:
 *  1. token requests per profile when every instance finds every profile due at once, at 10 and
 *     50 engine instances (in this process, each with its own store and its own Redis connections;
 *     test/core/team-processes.test.ts runs ten in separate processes) — goal 1.00;
 *  2. reading a shared token through tokentray-server's API at 500 requests/s (p50, p99) — goal
 *     p99 <= 2 ms on loopback;
 *  3. tokentray-server with 10,000 profiles against a fake that answers after 5 ms: refreshing all
 *     of them, beside the physical limit N × latency ÷ per-host cap; and heap per profile; a token
 *     read by name through its API at 500 requests/s beside the same read from a server holding one
 *     profile (goal: the same cost);
 *  4. bytes sent to storage per refresh (/proc/self/io write_bytes, page granularity) at 100,
 *     1,000 and 10,000 profiles: flat when refreshes go to the journal.
 * Run: npm run bench:team   (prints figures, asserts nothing). Needs redis-server (Debian's package).
 * BENCH_PROFILES=100 BENCH_SECONDS=10 BENCH_SERVER_PROFILES=10000 by default.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRedisTeam, createTokenService, newTeamKey, type TokenService } from '../main/core/index.ts';
import { startServer } from '../main/server/run-server.ts';
import { createAesGcmCipher } from '../test/support/aes-gcm-cipher.ts';
import { startFakeTokenServer } from '../test/support/fake-token-server.ts';
import { freePort } from '../test/support/free-port.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { createTempStore } from '../test/support/temp-store.ts';
import { ms, openLoop } from './support/load.ts';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SERVER_PROFILES = Number(process.env.BENCH_SERVER_PROFILES ?? 10_000);
const LATENCY_MS = 5;
const CAP = 8;
const DAY = 24 * 3_600_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const redis = await startRedis();
const credentials = Array.from({ length: PROFILES }, (_, i) => [`bench-key-${i}`, `bench-secret-${i}`] as const);
const clock = { offset: 0 };
const tokens = await startFakeTokenServer({
  clients: Object.fromEntries(credentials),
  now: () => Date.now() + clock.offset,
});

/** `instances` engines sharing PROFILES profiles; how many requests each profile costs when all are due. */
async function requestsPerProfile(instances: number, prefix: string): Promise<number> {
  const teamKey = newTeamKey();
  const engines: { service: TokenService; cleanup(): void }[] = [];
  for (let i = 0; i < instances; i++) {
    const temp = createTempStore();
    const team = await createRedisTeam({
      url: redis.url,
      prefix,
      teamKey,
      member: `m${i}`,
      role: 'member',
      soloWhenUnreachable: false,
      now: () => Date.now() + clock.offset,
      logger: { info() {}, warn() {}, error() {} },
    });
    const service = createTokenService({
      store: temp.store,
      cipher: createAesGcmCipher(),
      now: () => Date.now() + clock.offset,
      team,
    });
    engines.push({ service, cleanup: temp.cleanup });
  }
  for (const { service } of engines) {
    const views = await Promise.all(
      credentials.map(([apiKey, secretKey], i) =>
        service.addProfile({
          name: `p${i}`,
          provider: 'baidu',
          apiKey,
          secretKey,
          tokenUrl: tokens.baiduUrl,
          shared: true,
        }),
      ),
    );
    await Promise.all(views.map((view) => service.getToken(view.id)));
  }
  clock.offset += 28 * DAY;
  const before = tokens.requests.length;
  await Promise.all(engines.map(({ service }) => service.checkDue()));
  const made = tokens.requests.length - before;
  for (const { service, cleanup } of engines) {
    await service.close();
    cleanup();
  }
  return made / PROFILES;
}

const at10 = await requestsPerProfile(10, 'bench10');
const at50 = await requestsPerProfile(50, 'bench50');

// 2 and 3: tokentray-server, built from the same modules, in this process.
const dir = mkdtempSync(join(tmpdir(), 'tokentray-team-bench-'));
const slow = await startFakeTokenServer({ clients: { 'srv-key': 'srv-secret' } });
slow.behave({ type: 'delay', ms: LATENCY_MS });
const teamKey = newTeamKey();
writeFileSync(join(dir, 'team.key'), teamKey);

async function serve(name: string, count: number, team: boolean) {
  const port = await freePort();
  const profiles = Array.from(
    { length: count },
    (_, i) =>
      `  - { name: s${i}, provider: baidu, tokenUrl: "${slow.baiduUrl}", apiKey: { env: K }, secretKey: { env: S } }`,
  );
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `state: ./${name}\nlisten: { port: ${port} }\nrequestsPerHost: ${CAP}\n${
      team ? `team: { url: "${redis.url}", prefix: ${name}, teamKey: { file: team.key } }\n` : ''
    }profiles:\n${profiles.join('\n')}\n`,
  );
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const server = await startServer({
    configFile: file,
    env: { K: 'srv-key', S: 'srv-secret' },
    version: 'bench',
    writeLog: () => undefined,
  });
  return { server, port, started, heapBefore, secret: readFileSync(join(dir, name, 'api', 'secret'), 'utf8').trim() };
}

// 2. A shared token read through the API.
const reading = await serve('reading', 1, true);
const shared = await openLoop({
  target: { port: reading.port },
  path: '/v1/profiles/s0/token',
  secret: reading.secret,
  rate: 500,
  seconds: SECONDS,
});
await reading.server.stop();

/** Bytes this process has caused to be written to storage so far (Linux). */
const writeBytes = () => Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? Number.NaN);
/** 4. Storage bytes per refresh: REFRESHES refreshes, one at a time, of a server holding `count` profiles. */
const REFRESHES = 200;
async function bytesPerRefresh(count: number): Promise<number> {
  const running = await serve(`bytes-${count}`, count, false);
  const engine = running.server.service;
  const all = engine.listProfiles().map((view) => view.id);
  await Promise.all(all.map((id) => engine.getToken(id)));
  const before = writeBytes();
  for (let i = 0; i < REFRESHES; i++) {
    const id = all[i % all.length] ?? '';
    await engine.refresh(id, { rejectedToken: (await engine.getToken(id)) ?? '' });
  }
  const bytes = (writeBytes() - before) / REFRESHES;
  await running.server.stop();
  return bytes;
}
const perRefresh = [100, 1_000, SERVER_PROFILES].map((count) => [count, 0] as [number, number]);
for (const entry of perRefresh) entry[1] = await bytesPerRefresh(entry[0]);

/** A token read by the last profile's name at 500 requests/s through a server's API. */
const readByName = (running: Awaited<ReturnType<typeof serve>>, count: number) =>
  openLoop({
    target: { port: running.port },
    path: `/v1/profiles/s${count - 1}/token`,
    secret: running.secret,
    rate: 500,
    seconds: SECONDS,
  });
const one = await serve('one', 1, false);
const readOne = await readByName(one, 1);
await one.server.stop();

// 3. 10,000 profiles: start (add and fetch all), then refresh all at once.
const big = await serve('big', SERVER_PROFILES, false);
const service = big.server.service;
const ids = service.listProfiles().map((view) => view.id);
await Promise.all(ids.map((id) => service.getToken(id)));
const firstAll = performance.now() - big.started;
gc();
const heapPerProfile = (process.memoryUsage().heapUsed - big.heapBefore) / SERVER_PROFILES;
const readBig = await readByName(big, SERVER_PROFILES);
const refreshStarted = performance.now();
await Promise.all(ids.map((id) => service.refresh(id)));
const refreshAll = performance.now() - refreshStarted;
await big.server.stop();

await tokens.close();
await slow.close();
await redis.stop();
rmSync(dir, { recursive: true, force: true });

const limit = (SERVER_PROFILES * LATENCY_MS) / CAP;
console.log(
  `token requests per profile, all due at once: ${at10.toFixed(2)} at 10 instances, ${at50.toFixed(2)} at 50 instances (goal 1.00; ${PROFILES} profiles)`,
);
console.log(
  `shared token through the server's API at 500/s for ${SECONDS} s: p50 ${ms(shared.p50)}, p99 ${ms(shared.p99)}, max ${ms(shared.max)}, errors ${shared.errors} (goal p99 <= 2 ms)`,
);
console.log(
  `tokentray-server, ${SERVER_PROFILES} profiles, ${LATENCY_MS} ms token endpoint, ${CAP} per host: refresh all ${(refreshAll / 1000).toFixed(2)} s vs physical limit ${(limit / 1000).toFixed(2)} s = ${(refreshAll / limit).toFixed(2)}× (goal <= 2×); start-up with first fetch of all ${(firstAll / 1000).toFixed(2)} s; heap ${(heapPerProfile / 1024).toFixed(1)} KiB per profile`,
);
console.log(
  `a token read by name through the server's API at 500/s for ${SECONDS} s: 1 profile p50 ${ms(readOne.p50)}, p99 ${ms(readOne.p99)}; ${SERVER_PROFILES} profiles p50 ${ms(readBig.p50)}, p99 ${ms(readBig.p99)}, errors ${readOne.errors + readBig.errors} (goal: the same)`,
);
console.log(
  `bytes sent to storage per refresh (${REFRESHES} refreshes one at a time): ${perRefresh.map(([count, bytes]) => `${count} profiles ${(bytes / 1024).toFixed(1)} KiB`).join(', ')}`,
);
