import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newTeamKey } from '../../main/core/index.ts';
import { ROOT } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { freePort } from '../support/free-port.ts';
import { callLocalApi } from '../support/local-api.ts';
import { makePrivateCa } from '../support/private-ca.ts';
import { startConnectProxy } from '../support/proxies.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

/**
 * The built `tokentray-server` (dist/server/tokentray-server.mjs) run as its own program, the way
 * systemd or Docker runs it, and the built CLI talking to it with --url.
 */

const SERVER = join(ROOT, 'dist/server/tokentray-server.mjs');
const CLI = join(ROOT, 'dist/cli/tokentray.mjs');
let dir: string;
let tokens: FakeTokenServer;
let redis: TestRedis;
const running: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokentray-server-'));
  tokens = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
  redis = await startRedis();
});
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});
afterAll(async () => {
  await tokens?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the built server; resolves once it says it is ready, with what it has logged so far. */
async function serve(config: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SERVER, '--config', config], {
    env: { PATH: process.env.PATH ?? '', BAIDU_SECRET: SECRET_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk) => {
      buffer += String(chunk);
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === 'tokentray-server ready') resolve(entry);
      }
    });
    void exited.then((code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  return { child, lines, ready, exited, stderr: () => stderr, url: String(ready.url) };
}

function writeConfig(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  writeFileSync(join(dir, 'baidu.key'), `${API_KEY}\n`);
  return file;
}

function yamlConfig(name: string, port: number, extra = '', listen = ''): string {
  return writeConfig(
    name,
    `state: ./state-${name}
listen:
  port: ${port}
${listen}profiles:
  - name: ERNIE prod
    provider: baidu
    tokenUrl: ${tokens.baiduUrl}
    apiKey: { file: baidu.key }
    secretKey: { env: BAIDU_SECRET }
${extra}`,
  );
}

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('tokentray-server', () => {
  it('serves tokens, health and metrics; the CLI reaches it with --url; logs JSON lines with no secret', async () => {
    const port = await freePort();
    const config = yamlConfig('a.yaml', port);
    const server = await serve(config);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    const secretFile = join(dir, 'state-a.yaml', 'api', 'secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'state-a.yaml')).mode & 0o777).toBe(0o700);

    const health = await callLocalApi({ port }, '/healthz', { headers: { host: `127.0.0.1:${port}` } });
    expect(health.json()).toEqual({ status: 'ok', profiles: 1, failing: 0, team: null });
    const token = await cli(['--url', server.url, '--secret-file', secretFile, 'token', 'ernie']);
    expect(token).toEqual({ code: 0, stdout: `${tokens.issued[0]}\n`, stderr: '' });
    expect((await cli(['token', 'ernie'], { TOKENTRAY_URL: server.url, TOKENTRAY_SECRET: 'wrong' })).code).toBe(3);

    expect((await callLocalApi({ port }, '/metrics', { headers: { host: `localhost:${port}` } })).status).toBe(401);
    const metrics = await callLocalApi({ port }, '/metrics', {
      headers: { host: `localhost:${port}` },
      secret: readFileSync(secretFile, 'utf8').trim(),
    });
    expect(metrics.body).toContain('tokentray_refreshes_total{provider="baidu",outcome="fetched"} 1');
    expect(metrics.body).toContain('tokentray_profiles{state="valid"} 1');
    expect(metrics.body).toContain('tokentray_tokens_handed_out_total{via="cli"} 1');
    expect(metrics.body).toContain('tokentray_server_process_resident_memory_bytes');

    // On the server's own machine, the CLI uses the socket in the state folder.
    expect((await cli(['--data-dir', join(dir, 'state-a.yaml'), 'list', '--names'])).stdout).toBe('ERNIE prod\n');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const log = server.lines.join('\n');
    for (const secret of [API_KEY, SECRET_KEY, ...tokens.issued, readFileSync(secretFile, 'utf8').trim()]) {
      expect(log).not.toContain(secret);
    }
    expect(server.lines.every((line) => typeof JSON.parse(line).time === 'string')).toBe(true);
    expect(JSON.parse(server.lines.at(-1) ?? '{}').msg).toBe('tokentray-server stopped');
    // Every line about a profile names it as the configuration does, beside its id.
    const aboutProfiles = server.lines.map((line) => JSON.parse(line)).filter((entry) => 'profile' in entry);
    expect(aboutProfiles.map((entry) => entry.msg)).toContain('profile added');
    for (const entry of aboutProfiles) expect(entry.name).toBe('ERNIE prod');
  });

  it('keeps its tokens across a restart, and fetches again only when the keys change', async () => {
    const port = await freePort();
    const config = yamlConfig('b.yaml', port);
    const before = tokens.requests.length;
    const first = await serve(config);
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await serve(config);
    expect(tokens.requests.length).toBe(before + 1);
    second.child.kill('SIGTERM');
    await second.exited;
    // Another secret key in the environment: the profile is updated and fetches again (and is refused).
    const third = await serve(config, { BAIDU_SECRET: 'rotated-secret-key' });
    expect(tokens.requests.length).toBe(before + 2);
    expect(tokens.requests.at(-1)?.params.client_secret).toBe('rotated-secret-key');
    third.child.kill('SIGTERM');
    await third.exited;
  });

  it('serves over TLS, which the CLI trusts through NODE_EXTRA_CA_CERTS', async () => {
    const cert = join(dir, 'tls.crt');
    const key = join(dir, 'tls.key');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    const port = await freePort();
    const server = await serve(yamlConfig('tls.yaml', port, '', '  tls: { cert: tls.crt, key: tls.key }\n'));
    expect(server.url).toBe(`https://127.0.0.1:${port}`);
    const secret = readFileSync(join(dir, 'state-tls.yaml', 'api', 'secret'), 'utf8').trim();
    const trusted = await cli(['--url', `https://localhost:${port}`, 'token', 'ernie'], {
      TOKENTRAY_SECRET: secret,
      NODE_EXTRA_CA_CERTS: cert,
    });
    expect(trusted).toMatchObject({ code: 0, stdout: `${tokens.issued.at(-1)}\n` });
    // Without trusting the certificate, nothing is sent.
    const untrusted = await cli(['--url', `https://localhost:${port}`, 'token', 'ernie'], { TOKENTRAY_SECRET: secret });
    expect(untrusted.code).not.toBe(0);
  });

  it('names the field of every mistake in its configuration, and exits 2', async () => {
    const bad = writeConfig(
      'bad.yaml',
      `state: ./state-bad
listen: { port: 99999 }
profiles:
  - name: x
    provider: baidu
    apiKey: { env: NOT_SET_ANYWHERE }
    secretKey: "plain text is not allowed"
`,
    );
    const run = spawnSync(process.execPath, [SERVER, '--config', bad], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('listen.port');
    expect(run.stderr).toContain('profiles[0].secretKey');
    const missing = writeConfig(
      'missing.json',
      JSON.stringify({
        state: './state-m',
        listen: { port: 1234 },
        profiles: [{ name: 'x', provider: 'baidu', apiKey: { env: 'NOT_SET_ANYWHERE' }, secretKey: { file: 'nope' } }],
      }),
    );
    const check = spawnSync(process.execPath, [SERVER, '--config', missing, '--check'], { encoding: 'utf8', env: {} });
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('profiles[0].apiKey: environment variable NOT_SET_ANYWHERE is not set');
    expect(check.stderr).toContain('profiles[0].secretKey: file nope cannot be read (ENOENT)');
    const wrongProvider = writeConfig(
      'provider.yaml',
      `state: ./state-p\nlisten: { port: ${await freePort()} }\nprofiles:\n  - { name: x, provider: acme, apiKey: { file: baidu.key }, secretKey: { file: baidu.key } }\n`,
    );
    const refused = spawnSync(process.execPath, [SERVER, '--config', wrongProvider], { encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('profiles[0].provider:');
  });

  it("trusts the configured company CA file and goes through a profile's proxy; a bad CA file exits 2", async () => {
    const ca = makePrivateCa();
    const inspected = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY }, tls: ca });
    const corp = await startConnectProxy();
    try {
      writeFileSync(join(dir, 'company-ca.pem'), ca.caPem);
      const profile = (name: string) =>
        `  - name: ${name}\n    provider: baidu\n    tokenUrl: ${inspected.baiduUrl}\n    proxy: ${corp.url}\n` +
        '    apiKey: { file: baidu.key }\n    secretKey: { env: BAIDU_SECRET }\n';
      const config = writeConfig(
        'ca.yaml',
        `state: ./state-ca\nlisten: { port: ${await freePort()} }\nextraCaFile: company-ca.pem\nprofiles:\n${profile('inspected')}`,
      );
      const server = await serve(config);
      const secret = readFileSync(join(dir, 'state-ca', 'api', 'secret'), 'utf8').trim();
      const token = await cli(['--url', server.url, 'token', 'inspected'], { TOKENTRAY_SECRET: secret });
      expect(token).toMatchObject({ code: 0, stdout: `${inspected.issued.at(-1)}\n` });
      expect(corp.tunnels).toEqual([new URL(inspected.baiduUrl).host]);
      server.child.kill('SIGTERM');
      await server.exited;

      writeFileSync(join(dir, 'company-ca.pem'), 'not a certificate');
      const refused = spawnSync(process.execPath, [SERVER, '--config', config], {
        encoding: 'utf8',
        env: { BAIDU_SECRET: SECRET_KEY },
      });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('extraCaFile:');
      expect(refused.stderr).toContain('holds no PEM certificate');
    } finally {
      await corp.close();
      await inspected.close();
    }
  });

  it('shares one refresh between two servers of a team, through Redis', async () => {
    const teamKey = newTeamKey();
    writeFileSync(join(dir, 'team.key'), teamKey);
    const team = (name: string) =>
      `team:\n  url: ${redis.url}\n  prefix: srv-test\n  teamKey: { file: team.key }\n  member: ${name}\n`;
    const before = tokens.requests.length;
    const one = await serve(yamlConfig('t1.yaml', await freePort(), team('one')));
    const two = await serve(yamlConfig('t2.yaml', await freePort(), team('two')));
    expect(tokens.requests.length).toBe(before + 1);
    const secret = (name: string) => readFileSync(join(dir, `state-${name}`, 'api', 'secret'), 'utf8').trim();
    const a = await cli(['--url', one.url, 'token', 'ernie'], { TOKENTRAY_SECRET: secret('t1.yaml') });
    const b = await cli(['--url', two.url, 'token', 'ernie'], { TOKENTRAY_SECRET: secret('t2.yaml') });
    expect(a.stdout).toBe(b.stdout);
    const health = await callLocalApi({ port: Number(new URL(two.url).port) }, '/healthz', {
      headers: { host: new URL(two.url).host },
    });
    expect(health.json()).toMatchObject({ status: 'ok', team: 'connected' });
    for (const line of [...one.lines, ...two.lines]) expect(line).not.toContain(teamKey);

    // A third server given another (well-formed) key says so, and fetches nothing on its own.
    writeFileSync(join(dir, 'other.key'), newTeamKey());
    const stranger = await serve(
      yamlConfig('t3.yaml', await freePort(), team('three').replace('team.key', 'other.key')),
    );
    const strangerHealth = () =>
      callLocalApi({ port: Number(new URL(stranger.url).port) }, '/healthz', {
        headers: { host: new URL(stranger.url).host },
      }).then((answer) => answer.json());
    await expect
      .poll(strangerHealth, { timeout: 10_000 })
      .toMatchObject({ status: 'degraded', team: 'connected', teamProblem: 'team_key_mismatch' });
    expect(tokens.requests.length).toBe(before + 1);
    expect(stranger.lines.some((line) => line.includes('team key mismatch'))).toBe(true);
  });

  it('serves the gateway: the provider called with the server’s token, counted in /metrics', async () => {
    const { startFakeApi } = await import('../support/fake-api-upstream.ts');
    const api = await startFakeApi();
    try {
      const port = await freePort();
      // billing and reports may use ERNIE prod; audit only Other (one service, its own credentials).
      const scope = (name: string) => (name === 'audit' ? 'Other' : 'ERNIE prod');
      const clients = (names: string[]) =>
        `gateway:\n  clients:\n${names.map((name) => `    - name: ${name}\n      key: { env: KEY_${name.toUpperCase()} }\n      profiles: [${scope(name)}]\n`).join('')}`;
      const other = `  - name: Other\n    provider: baidu\n    tokenUrl: ${tokens.baiduUrl}\n    apiKey: { file: baidu.key }\n    secretKey: { env: BAIDU_SECRET }\n`;
      const options = `    options:\n      apiOrigins: ${api.origin}\n${other}`;
      const config = yamlConfig('gw.yaml', port, `${options}${clients(['billing', 'reports', 'audit'])}`);
      const keys = {
        KEY_BILLING: 'billing-key-0123456789abcdef',
        KEY_REPORTS: 'reports-key-0123456789abcdef',
        KEY_AUDIT: 'audit-key-0123456789abcdef',
      };
      const server = await serve(config, keys);
      const secret = readFileSync(join(dir, 'state-gw.yaml', 'api', 'secret'), 'utf8').trim();
      const answer = await callLocalApi({ port }, '/gw/ernie/rpc/2.0/chat?x=1', {
        method: 'POST',
        headers: { host: `localhost:${port}` },
        secret,
        body: '{}',
      });
      expect(answer.status).toBe(200);
      const token = new URL(api.requests[0]?.url ?? '', api.origin).searchParams.get('access_token');
      expect(tokens.issued).toContain(token);
      const metrics = await callLocalApi({ port }, '/metrics', { headers: { host: `localhost:${port}` }, secret });
      expect(metrics.body).toContain('tokentray_gateway_requests_total{profile="ERNIE prod",status="2xx"} 1');
      expect(metrics.body).toContain('tokentray_gateway_request_seconds_count{profile="ERNIE prod"} 1');

      // Client keys from the configuration; SIGHUP after one is taken out revokes it at once.
      const call = (key: string) =>
        callLocalApi({ port }, '/gw/ernie/rpc/2.0/chat', { headers: { host: `localhost:${port}` }, secret: key });
      expect((await call(keys.KEY_BILLING)).status).toBe(200);
      expect((await call(keys.KEY_REPORTS)).status).toBe(200);
      expect((await call('not-a-client-key')).status).toBe(401);
      expect((await call(keys.KEY_AUDIT)).status).toBe(403);
      yamlConfig('gw.yaml', port, `${options}${clients(['reports', 'audit'])}`);
      server.child.kill('SIGHUP');
      await expect.poll(async () => (await call(keys.KEY_BILLING)).status).toBe(401);
      expect((await call(keys.KEY_REPORTS)).status).toBe(200);
      expect(server.lines.some((line) => line.includes('gateway clients reloaded'))).toBe(true);
      for (const line of server.lines) for (const key of Object.values(keys)) expect(line).not.toContain(key);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      for (const line of server.lines) expect(line).not.toContain(token ?? 'no token');
    } finally {
      await api.close();
    }
  });

  it('takes a fixed refresh time from its configuration and shows its next run', async () => {
    const port = await freePort();
    const server = await serve(yamlConfig('cron.yaml', port, "    cron: '0 9 * * 1-5'\n"), { TZ: 'Asia/Shanghai' });
    const secret = readFileSync(join(dir, 'state-cron.yaml', 'api', 'secret'), 'utf8').trim();
    const view = (
      await callLocalApi({ port }, '/v1/profiles/ernie', { headers: { host: `localhost:${port}` }, secret })
    ).json() as { status: string; next_refresh_at: string; refreshed_at: string };
    expect(view.status).toBe('valid');
    // 09:00 in Shanghai is 01:00 UTC (no daylight saving), on a weekday.
    const next = new Date(view.next_refresh_at);
    expect(next.getUTCHours()).toBe(1);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime()).toBeGreaterThan(Date.parse(view.refreshed_at));
    expect(next.getTime() - Date.parse(view.refreshed_at)).toBeLessThanOrEqual(3 * 24 * 3600_000 + 60_000);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
