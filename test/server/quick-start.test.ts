import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { freePort } from '../support/free-port.ts';

/**
 * `npm run server` on a fresh checkout: the built tokentray-server started without --config, in a
 * folder of its own, as a newcomer would (the script builds first; this drives the built file so
 * it does not rebuild dist under the other tests).
 */
const SERVER = join(ROOT, 'dist/server/tokentray-server.mjs');
const CLI = join(ROOT, 'dist/cli/tokentray.mjs');
let dir: string;
let tokens: FakeTokenServer;
const running: ChildProcess[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokentray-quick-'));
  tokens = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
});
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});
afterAll(async () => {
  await tokens.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SERVER], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Ready once the quick-start text (written after "tokentray-server ready") has ended.
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', () => {
      if (stderr.includes('Ctrl+C stops the server.')) resolve(stderr);
    });
    void exited.then((code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  return { child, ready, exited };
}

function cli(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('tokentray-server without --config', () => {
  it('serves at once, says where its secret is and what to try, and waits for keys it lacks', async () => {
    const first = start();
    const text = await first.ready;
    expect(text).toContain('No --config given: made .tokentray-server/server.yaml (solo, no Redis;');
    // 8765, or the next free port when another program has it.
    const url = /running at (http:\/\/127\.0\.0\.1:87\d\d)\./.exec(text)?.[1] ?? 'no url';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:87\d\d$/);
    expect(text).toContain('Its API secret is in .tokentray-server/state/api/secret');
    const secretFile = '.tokentray-server/state/api/secret';
    expect(text).toContain(`npx tokentray --url ${url} --secret-file ${secretFile} status`);
    expect(text).toContain('Profile "ernie" needs keys: set $BAIDU_API_KEY, $BAIDU_SECRET_KEY');

    // What the text says to try works as printed.
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'degraded', profiles: 1, failing: 1, team: null });
    const status = await cli(['--url', url, '--secret-file', secretFile, 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^ernie\s+needs keys/m);
    const token = await cli(['--url', url, '--secret-file', secretFile, 'token', 'ernie']);
    expect(token.code).toBe(4);
    expect(token.stderr).toContain('(not set, or unreadable): $BAIDU_API_KEY, $BAIDU_SECRET_KEY.');
    expect(tokens.requests).toHaveLength(0);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // The file it made is the one used next time; with the keys set, the same profile gets a token.
    const file = join(dir, '.tokentray-server/server.yaml');
    const port = await freePort();
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(/port: \d+/, `port: ${port}`)
        .replace('provider: baidu', `provider: baidu\n    tokenUrl: ${tokens.baiduUrl}`),
    );
    const second = start({ BAIDU_API_KEY: API_KEY, BAIDU_SECRET_KEY: SECRET_KEY });
    const again = await second.ready;
    expect(again).toContain('No --config given: using .tokentray-server/server.yaml.');
    expect(again).not.toContain('needs keys');
    const fresh = await cli(['--url', `http://127.0.0.1:${port}`, '--secret-file', secretFile, 'token', 'ernie']);
    expect(fresh).toMatchObject({ code: 0, stdout: `${tokens.issued.at(-1)}\n` });
  });

  it('is what npm run server starts, after a build', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.server).toBe('node scripts/build.mjs && node dist/server/tokentray-server.mjs');
  });
});
