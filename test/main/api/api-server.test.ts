import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTH_FAILURE_BURST } from '../../../main/api/api-guard.ts';
import { createDesktopFixture, type DesktopFixture } from '../../support/desktop-fixture.ts';
import { API_KEY, SECRET_KEY } from '../../support/engine-fixture.ts';
import { freePort } from '../../support/free-port.ts';
import { callLocalApi } from '../../support/local-api.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/**
 * The local token API, served by the real server module over the real engine (fake token server,
 * real store and cipher), as the desktop starts it, and called over its real socket.
 */
let t: DesktopFixture;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);

const get = (path: string, headers: Record<string, string> = {}) =>
  callLocalApi(t.apiLocation, path, { secret: true, headers });
const DAY_S = 24 * 3600;

describe('the local token API', () => {
  it('hands out the token Copy would, with its expiry, profile, usage and the SDK variable', async () => {
    const { id } = await t.fx.service.addProfile(t.fx.baiduInput());
    const answer = await get('/v1/profiles/ERNIE%20dev/token');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const token = t.fx.server.issued[0];
    expect(answer.json()).toEqual({
      access_token: token,
      token_type: 'Bearer',
      expires_at: new Date(t.fx.now() + 30 * DAY_S * 1000).toISOString(),
      expires_in: 30 * DAY_S,
      profile: { id, name: 'ERNIE dev' },
      provider: 'baidu',
      usage: { in: 'query', name: 'access_token' },
      sdk_env: ['QIANFAN_ACCESS_TOKEN'],
    });
    // Asked again, the same token: no second request to the provider.
    expect((await get(`/v1/profiles/${id}/token?format=raw`)).body).toBe(token);
    expect(t.fx.server.requests).toHaveLength(1);
  });

  it('gives each text format the way the provider’s APIs take the token, and refuses the others', async () => {
    await t.fx.service.addProfile(t.fx.baiduInput());
    await t.fx.service.addProfile({
      name: 'Lark bot',
      provider: 'feishu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: t.fx.server.feishuUrl,
    });
    const ernie = (await get('/v1/profiles/ernie/token')).json().access_token as string;
    const bot = (await get('/v1/profiles/lark/token')).json().access_token as string;
    const text = async (ref: string, query: string) => (await get(`/v1/profiles/${ref}/token?${query}`)).body;
    expect(await text('ernie', 'format=query')).toBe(`access_token=${ernie}`);
    expect(await text('lark', 'format=header')).toBe(`Authorization: Bearer ${bot}`);
    expect(await text('ernie', 'format=curl')).toMatch(/^curl -X POST 'https:\/\/aip\.baidubce\.com\/.*access_token=/);
    expect(await text('lark', 'format=powershell')).toContain(`@{ 'Authorization' = 'Bearer ${bot}' }`);
    expect(await text('ernie', 'format=env')).toBe(
      [
        `export TOKENTRAY_ACCESS_TOKEN='${ernie}'`,
        `export TOKENTRAY_EXPIRES_AT='${new Date(t.fx.now() + 30 * DAY_S * 1000).toISOString()}'`,
        `export TOKENTRAY_PROFILE='ERNIE dev'`,
        `export QIANFAN_ACCESS_TOKEN='${ernie}'`,
      ].join('\n'),
    );
    expect(await text('lark', 'format=env&shell=powershell')).toContain(`$env:TOKENTRAY_ACCESS_TOKEN = '${bot}'`);
    const wrong = await get('/v1/profiles/ernie/token?format=header');
    expect(wrong.status).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'format_unsupported' });
    expect((await get('/v1/profiles/lark/token?format=query')).status).toBe(400);
    expect((await get('/v1/profiles/lark/token?format=yaml')).json()).toMatchObject({ error: 'bad_request' });
  });

  it('finds a profile by id, name, any case or a unique prefix, and lists both when two match', async () => {
    const dev = await t.fx.service.addProfile(t.fx.baiduInput({ name: 'ERNIE dev' }));
    const prod = await t.fx.service.addProfile(t.fx.baiduInput({ name: 'ERNIE prod' }));
    const name = async (ref: string) => (await get(`/v1/profiles/${encodeURIComponent(ref)}`)).json().name;
    expect(await name(dev.id)).toBe('ERNIE dev');
    expect(await name('ERNIE prod')).toBe('ERNIE prod');
    expect(await name('ernie PROD')).toBe('ERNIE prod');
    expect(await name('ernie d')).toBe('ERNIE dev');
    const ambiguous = await get('/v1/profiles/ernie/token');
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.json()).toEqual({
      error: 'ambiguous_profile',
      message: 'Several profiles match that name.',
      message_key: 'api.ambiguous_profile',
      candidates: [`ERNIE dev (${dev.id})`, `ERNIE prod (${prod.id})`],
    });
    const missing = await get('/v1/profiles/nothing/token');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'unknown_profile' });
  });

  it('lists profiles as views, never with a key or a token', async () => {
    await t.fx.service.addProfile(t.fx.baiduInput());
    await get('/v1/profiles/ernie/token');
    const list = await get('/v1/profiles');
    expect(list.json()).toEqual([
      expect.objectContaining({
        name: 'ERNIE dev',
        provider: 'baidu',
        status: 'valid',
        needs_keys: false,
        error: null,
      }),
    ]);
    for (const secret of [API_KEY, SECRET_KEY, ...t.fx.server.issued]) expect(list.body).not.toContain(secret);
    expect((await get('/v1')).json()).toEqual({ name: 'TokenTray', version: '0.1.0', api: 1 });
  });

  it('refreshes on POST, and reports a refused key with the engine’s code and words', async () => {
    await t.fx.service.addProfile(t.fx.baiduInput());
    const refreshed = await callLocalApi(t.apiLocation, '/v1/profiles/ernie/refresh', { method: 'POST', secret: true });
    expect(refreshed.json()).toMatchObject({ name: 'ERNIE dev', status: 'valid' });
    expect((await get('/v1/profiles/ernie/refresh')).status).toBe(405);
    t.fx.server.behave({ type: 'error', error: 'invalid_client', description: 'unknown client id', status: 401 });
    // Asked again at once, without a rejected token: the token just fetched, no request (a loop in
    // a script must not burn the provider's quota).
    const requests = t.fx.server.requests.length;
    const again = await callLocalApi(t.apiLocation, '/v1/profiles/ernie/refresh', { method: 'POST', secret: true });
    expect(again.status).toBe(200);
    expect(again.headers['tokentray-refresh']).toBe('recent');
    expect(t.fx.server.requests.length).toBe(requests);
    // Reporting the current token as rejected always asks the provider.
    const current = (await get('/v1/profiles/ernie/token?format=raw')).body;
    const refused = await callLocalApi(t.apiLocation, '/v1/profiles/ernie/refresh', {
      method: 'POST',
      secret: true,
      body: JSON.stringify({ rejected_token: current }),
    });
    expect(t.fx.server.requests.length).toBe(requests + 1);
    expect(refused.status).toBe(502);
    expect(refused.json()).toEqual({
      error: 'invalid_credentials',
      message: 'The provider does not know this API Key.',
      remedy: 'Copy the API Key again from the console; check that it belongs to this application.',
      message_key: 'errors.invalid_credentials_api_key',
      provider_code: 'invalid_client',
    });
  });

  it('says why there is no token when the provider refuses the first one', async () => {
    t.fx.server.behave({ type: 'error', error: 'invalid_client', description: 'unknown client id', status: 401 });
    await t.fx.service.addProfile(t.fx.baiduInput());
    const answer = await get('/v1/profiles/ernie/token');
    expect(answer.status).toBe(502);
    expect(answer.json().error).toBe('invalid_credentials');
  });

  it('records who took each token, never the token itself, and tells the window', async () => {
    const { id } = await t.fx.service.addProfile(t.fx.baiduInput());
    await get('/v1/profiles/ernie/token', { 'user-agent': 'PostmanRuntime/7.43.0' });
    await get('/v1/profiles/ernie/token', { 'user-agent': 'tokentray-cli/0.1.0 exec' });
    const uses = await t.desktop.handlers['token:uses']();
    expect(uses[id]).toEqual([
      { at: t.fx.now(), via: 'cli', client: 'tokentray-cli/0.1.0 exec' },
      { at: t.fx.now(), via: 'api', client: 'PostmanRuntime/7.43.0' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const told = t.sent.filter(([channel]) => channel === 'token:used');
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told)).not.toContain(t.fx.server.issued[0]);
  });
});

describe('who may call it', () => {
  beforeEach(async () => {
    const { id } = await t.fx.service.addProfile(t.fx.baiduInput());
    await t.fx.service.getToken(id);
  });

  it('answers 401 with no detail to a missing or wrong secret', async () => {
    const asked = t.fx.server.requests.length;
    for (const secret of [undefined, 'wrong', `${'x'.repeat(43)}`]) {
      const answer = await callLocalApi(t.apiLocation, '/v1/profiles/ernie/token', secret ? { secret } : {});
      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({
        error: 'unauthorized',
        message: 'Authentication required.',
        message_key: 'api.unauthorized',
      });
    }
    expect(t.fx.server.requests).toHaveLength(asked);
  });

  it('refuses a browser: any Origin or Sec-Fetch-Site header, and a Host that is not loopback (DNS rebinding)', async () => {
    const refusals: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
      { host: 'evil.example' },
      { host: 'localhost.evil.example' },
      { host: '127.0.0.1.nip.io:47615' },
    ];
    for (const headers of refusals) {
      const answer = await get('/v1/profiles/ernie/token', headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body).not.toContain('access_token');
    }
    for (const host of ['localhost', '127.0.0.1:47615', '[::1]:47615', 'LOCALHOST']) {
      expect((await get('/v1', { host })).status, host).toBe(200);
    }
    // Node's own fetch (undici, and the SDKs built on it) sends these on every request: not a browser.
    expect((await get('/v1', { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' })).status).toBe(200);
  });

  it('keeps the socket 0600 in a 0700 folder, and the secret 0600', () => {
    if (process.platform === 'win32') return;
    expect(statSync(t.apiLocation.dir).mode & 0o777).toBe(0o700);
    expect(statSync(t.apiLocation.endpoint).mode & 0o777).toBe(0o600);
    expect(statSync(t.apiLocation.secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(t.apiLocation.endpoint).isSocket()).toBe(true);
  });

  it('rate-limits 1,000 wrong secrets and keeps serving the right one throughout', async () => {
    // Fifty at a time, as fast as the socket takes them, with the user's script asking in between.
    const bad: Awaited<ReturnType<typeof get>>[] = [];
    const good: Awaited<ReturnType<typeof get>>[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const wrong = Array.from({ length: 50 }, () =>
        callLocalApi(t.apiLocation, '/v1/profiles/ernie/token', { secret: 'guess' }),
      );
      const [refused, served] = await Promise.all([Promise.all(wrong), get('/v1/profiles/ernie/token?format=raw')]);
      bad.push(...refused);
      good.push(served);
    }
    const statuses = bad.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(AUTH_FAILURE_BURST);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1_000 - AUTH_FAILURE_BURST);
    expect(bad.find((answer) => answer.status === 429)?.headers['retry-after']).toBe('1');
    expect(good.every((answer) => answer.status === 200 && answer.body === t.fx.server.issued[0])).toBe(true);
    // The refusals are summed up in the log, never one line each.
    expect(t.logs.filter((line) => line.includes('authentication')).length).toBeLessThanOrEqual(1);
  });

  it('refuses a request with a body beyond its size, and headers beyond theirs', async () => {
    const big = await callLocalApi(t.apiLocation, '/v1/profiles', {
      method: 'GET',
      secret: true,
      headers: { 'content-length': String(64 * 1024) },
      body: 'x'.repeat(64 * 1024),
    }).catch((error: Error) => error);
    if (!(big instanceof Error)) expect(big.status).toBe(413);
    const headers = await callLocalApi(t.apiLocation, '/v1', {
      secret: true,
      headers: { 'x-padding': 'x'.repeat(16 * 1024) },
    });
    expect(headers.status).toBe(431);
    expect((await get('/v1')).status).toBe(200);
  });

  it('makes a new secret on request: the old one stops working at once, the file holds the new one', async () => {
    const before = await get('/v1');
    expect(before.status).toBe(200);
    const old = readFileSync(t.apiLocation.secretFile, 'utf8').trim();
    await t.desktop.handlers['api:regenerate-secret']();
    expect((await callLocalApi(t.apiLocation, '/v1', { secret: old })).status).toBe(401);
    expect((await get('/v1')).status).toBe(200);
    expect(readFileSync(t.apiLocation.secretFile, 'utf8').trim()).not.toBe(old);
  });

  it('replaces a socket a killed app left behind, and a damaged secret', async () => {
    if (process.platform === 'win32') return;
    await t.fx.dispose();
    t = await createDesktopFixture();
    mkdirSync(t.apiLocation.dir, { recursive: true });
    writeFileSync(t.apiLocation.secretFile, 'not a secret');
    const script = `require('node:net').createServer().listen(${JSON.stringify(t.apiLocation.endpoint)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    expect(statSync(t.apiLocation.endpoint).isSocket()).toBe(true);
    await t.desktop.start();
    expect((await get('/v1')).status).toBe(200);
    expect(readFileSync(t.apiLocation.secretFile, 'utf8')).toMatch(/^[\w-]{43}\n$/);
  });
});

describe('the TCP listener', () => {
  it('is off by default, listens on 127.0.0.1 when switched on, and stops when switched off', async () => {
    await t.fx.service.addProfile(t.fx.baiduInput());
    const port = await freePort();
    expect((await t.desktop.handlers['api:status']()).tcpUrl).toBeNull();
    await t.desktop.handlers['settings:set']({ apiTcpEnabled: true, apiTcpPort: port });
    expect((await t.desktop.handlers['api:status']()).tcpUrl).toBe(`http://127.0.0.1:${port}`);
    const secret = readFileSync(t.apiLocation.secretFile, 'utf8').trim();
    const answer = await callLocalApi({ port }, '/v1/profiles/ernie/token?format=raw', {
      secret,
      headers: { host: `127.0.0.1:${port}`, 'user-agent': 'bruno-runtime/2.0.0' },
    });
    expect(answer.body).toBe(t.fx.server.issued[0]);
    expect(
      (await callLocalApi({ port }, '/v1', { headers: { host: `127.0.0.1:${port}`, origin: 'http://evil.example' } }))
        .status,
    ).toBe(403);
    await t.desktop.handlers['settings:set']({ apiTcpEnabled: false });
    await expect(callLocalApi({ port }, '/v1', { secret })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses a port another program holds, keeps the old setting, and says so', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as { port: number };
    try {
      await expect(t.desktop.handlers['settings:set']({ apiTcpEnabled: true, apiTcpPort: port })).rejects.toMatchObject(
        {
          code: 'api_port_in_use',
        },
      );
      expect(t.settings.get().apiTcpEnabled).toBe(false);
      expect((await t.desktop.handlers['api:status']()).tcpUrl).toBeNull();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

describe('quitting while it starts', () => {
  it('leaves no listener behind, however the quit and the start interleave', async () => {
    const { createApiServer } = await import('../../../main/api/api-server.ts');
    const { apiLocation } = await import('../../../main/contract/local-api.ts');
    const { join } = await import('node:path');
    const { connect } = await import('node:net');
    for (let ticks = 0; ticks < 12; ticks++) {
      const location = apiLocation(join(t.fx.temp.dir, `race-${ticks}`), process.platform);
      const api = createApiServer({
        service: t.fx.service,
        handOut: async () => undefined,
        version: '0.1.0',
        now: Date.now,
        location,
        platform: process.platform,
        cliPath: null,
        logger: { info() {}, warn() {}, error() {} },
      });
      const starting = api.start({ apiTcpEnabled: false, apiTcpPort: 47_615 });
      // The narrowest window: the socket exists, its permissions are still being set.
      if (ticks === 0) {
        while (!existsSync(location.endpoint)) await new Promise((resolve) => setImmediate(resolve));
      }
      for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve));
      await Promise.all([api.close(), starting]);
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect(location.endpoint);
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      expect(reached, `quit after ${ticks} turns`).toBe(false);
    }
  });
});
