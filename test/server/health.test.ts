import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startServer } from '../../main/server/run-server.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { freePort } from '../support/free-port.ts';
import { callLocalApi } from '../support/local-api.ts';

/**
 * /healthz is answered without the secret, so anyone on the host can flood it: with thousands of
 * profiles a pass over all of them per request would be theirs to spend. The answer is kept for a
 * second; a probe still sees each change.
 */
let dir: string | undefined;
let tokens: FakeTokenServer | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await tokens?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  stop = undefined;
  tokens = undefined;
  dir = undefined;
});

describe("tokentray-server's health", () => {
  it('answers a flood from one pass over the profiles a second, and still sees a change', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokentray-health-'));
    tokens = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
    const port = await freePort();
    const configFile = join(dir, 'server.yaml');
    writeFileSync(
      configFile,
      `state: ./state\nlisten: { port: ${port} }\nprofiles:\n  - { name: ernie, provider: baidu, tokenUrl: "${tokens.baiduUrl}", apiKey: { env: K }, secretKey: { env: S } }\n`,
    );
    const server = await startServer({
      configFile,
      env: { K: API_KEY, S: SECRET_KEY },
      version: 'test',
      writeLog: () => undefined,
    });
    stop = () => server.stop();
    const health = () =>
      callLocalApi({ port }, '/healthz', { headers: { host: `127.0.0.1:${port}` } }).then((answer) => answer.json());
    expect(await health()).toMatchObject({ status: 'ok', profiles: 1, failing: 0 });

    const passes = vi.spyOn(server.service, 'listProfiles');
    const started = performance.now();
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(Array.from({ length: 20 }, health));
      for (const answer of answers) expect(answer).toMatchObject({ status: 'ok', profiles: 1 });
    }
    const seconds = (performance.now() - started) / 1000;
    // 200 answers; at most one pass per second that went by (a busy machine may take several).
    expect(passes.mock.calls.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(passes.mock.calls.length).toBeLessThan(200);

    // The provider starts refusing the keys: a probe sees it within a second or so.
    tokens.behave({ type: 'error', error: 'invalid_client', status: 401 });
    const [profile] = server.service.listProfiles();
    await server.service.refresh(profile?.id ?? '');
    await expect.poll(health).toMatchObject({ status: 'degraded', failing: 1 });
  });
});
