import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { type FakeApi, json, startFakeApi } from '../../support/fake-api-upstream.ts';
import { callLocalApi } from '../../support/local-api.ts';
import { makePrivateCa } from '../../support/private-ca.ts';
import { startConnectProxy } from '../../support/proxies.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/**
 * The credential-injecting gateway, served by the real local API over the real engine: a fake
 * provider API on loopback stands in for aip.baidubce.com (the profile's `apiOrigins` option points
 * there, as a test server would be configured), and the fake token server issues the tokens.
 */
let t: DesktopFixture;
let api: FakeApi;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);
beforeEach(async () => {
  api = await startFakeApi();
});
afterEach(async () => {
  await api.close();
});

const secret = () => readFileSync(t.apiLocation.secretFile, 'utf8').trim();
const gw = (path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  callLocalApi(t.apiLocation, path, {
    secret: true,
    ...options,
    headers: { 'user-agent': 'test-client/1', ...options.headers },
  });

async function baiduProfile(name = 'ERNIE dev') {
  const view = await t.fx.service.addProfile(t.fx.baiduInput({ name, options: { apiOrigins: api.origin } }));
  await t.fx.service.getToken(view.id);
  return view;
}

describe('the gateway', () => {
  it('forwards to the same path with the token where the provider reads it, and nothing of the gateway', async () => {
    await baiduProfile();
    const answer = await gw('/gw/ernie/rpc/2.0/chat?model=x&access_token=client-supplied', {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'x-private', 'x-private': 'hop', 'x-kept': 'yes' },
      body: JSON.stringify({ messages: [{ role: 'user', content: '你好' }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ ok: true, method: 'POST' });
    const seen = api.requests[0];
    const url = new URL(seen?.url ?? '', api.origin);
    expect(url.pathname).toBe('/rpc/2.0/chat');
    expect(url.searchParams.get('model')).toBe('x');
    expect(url.searchParams.getAll('access_token')).toEqual([t.fx.server.issued[0]]);
    expect(seen?.headers.host).toBe(new URL(api.origin).host);
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.headers['x-private']).toBeUndefined();
    expect(seen?.headers['x-kept']).toBe('yes');
    expect(JSON.parse(seen?.body.toString() ?? '')).toEqual({ messages: [{ role: 'user', content: '你好' }] });
    // The gateway's secret never reaches the provider, in any header, URL or body.
    expect(JSON.stringify(api.requests)).not.toContain(secret());
    // Recent uses show the call: method, path without its query, status; never the token.
    const uses = await t.desktop.handlers['token:uses']();
    const [use] = Object.values(uses).flat();
    expect(use).toMatchObject({ via: 'gateway', call: { method: 'POST', path: '/rpc/2.0/chat', status: 200 } });
    expect(JSON.stringify(uses)).not.toContain(t.fx.server.issued[0] ?? 'no token');
    expect(JSON.stringify(uses)).not.toContain('model=x');
  });

  it('replaces the Authorization header for a bearer provider', async () => {
    const view = await t.fx.service.addProfile({
      name: 'gateway oauth',
      provider: 'oauth2',
      apiKey: 'test-api-key-0001',
      secretKey: 'test-secret-key-0001',
      tokenUrl: t.fx.server.oauthUrl,
      options: { apiOrigins: api.origin },
    });
    await t.fx.service.getToken(view.id);
    expect((await gw('/gw/gateway%20oauth/v1/things')).status).toBe(200);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${t.fx.server.issued[0]}`);
  });

  it('recovers a refused token once: one refresh, one retry, and never a loop', async () => {
    await baiduProfile();
    const first = t.fx.server.issued[0];
    api.answer((request, response) => {
      const token = new URL(request.url, api.origin).searchParams.get('access_token');
      // Baidu says so in an HTTP 200 body: error_code 111, access token expired.
      if (token === first) json(response, 200, { error_code: 111, error_msg: 'Access token expired' });
      else json(response, 200, { result: 'hello' });
    });
    const answer = await gw('/gw/ernie/rpc/2.0/chat', { method: 'POST', body: '{"q":1}' });
    expect(answer.json()).toEqual({ result: 'hello' });
    expect(t.fx.server.issued).toHaveLength(2);
    expect(api.requests.map((r) => new URL(r.url, api.origin).searchParams.get('access_token'))).toEqual([
      first,
      t.fx.server.issued[1],
    ]);
    // A provider that refuses every token: the refusal reaches the client after one retry.
    api.answer((_request, response) => json(response, 200, { error_code: 110, error_msg: 'Access token invalid' }));
    const refused = await gw('/gw/ernie/rpc/2.0/chat', { method: 'POST', body: '{}' });
    expect(refused.json()).toEqual({ error_code: 110, error_msg: 'Access token invalid' });
    expect(api.requests).toHaveLength(4);
    expect(t.fx.server.issued).toHaveLength(3);
  });

  it('answers fifty concurrent requests that meet a revoked token with exactly one refresh', async () => {
    await baiduProfile();
    const revoked = t.fx.server.issued[0];
    api.answer((request, response) => {
      const token = new URL(request.url, api.origin).searchParams.get('access_token');
      if (token === revoked) json(response, 200, { error_code: 110, error_msg: 'Access token invalid' });
      else json(response, 200, { ok: true });
    });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => gw('/gw/ernie/rpc/2.0/chat', { method: 'POST', body: '{}' })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.every((a) => a.json().ok === true)).toBe(true);
    expect(t.fx.server.requests).toHaveLength(2);
  });

  it('streams an answer as it arrives, and a client that leaves aborts the upstream request', async () => {
    await baiduProfile();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    api.answer(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"result":"你"}\n\n');
      // The rest comes only once the client has the first event: nothing may be buffered.
      await released;
      response.end('data: {"result":"好"}\n\ndata: [DONE]\n\n');
    });
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          socketPath: t.apiLocation.endpoint,
          path: '/gw/ernie/rpc/2.0/chat?stream=true',
          method: 'POST',
          headers: { host: 'localhost', authorization: `Bearer ${secret()}` },
        },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          res.on('data', (chunk: Buffer) => {
            events.push(String(chunk));
            release();
          });
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(events.join('')).toBe('data: {"result":"你"}\n\ndata: {"result":"好"}\n\ndata: [DONE]\n\n');
    expect(events.length).toBeGreaterThanOrEqual(2);

    // A client that goes away mid-stream: the upstream sees its request closed.
    api.answer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: 1\n\n');
    });
    await new Promise<void>((resolve) => {
      const req = request(
        {
          socketPath: t.apiLocation.endpoint,
          path: '/gw/ernie/stream',
          headers: { host: 'localhost', authorization: `Bearer ${secret()}` },
        },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => undefined);
      req.end();
    });
    await api.requests.at(-1)?.aborted;
  });

  it('refuses every request target that tries to leave the allowed origins, and sends nothing', async () => {
    await baiduProfile();
    const targets = [
      '/gw/ernie//evil.example/x',
      '/gw/ernie//127.0.0.1:9/x',
      '/gw/ernie/@evil.example/x',
      '/gw/ernie/x@evil.example',
      '/gw/ernie/%2f%2fevil.example/x',
      '/gw/ernie/%2F%2Fevil.example/x',
      '/gw/ernie/%5c%5cevil.example/x',
      '/gw/ernie/..%2f..%2fx',
      '/gw/ernie/%2e%2e/%2e%2e/x',
      '/gw/ernie/a/../../x',
      '/gw/ernie/../x',
      '/gw/ernie/./x',
      '/gw/ernie/a/./b',
      '/gw/ernie/a\\b',
      '/gw/ernie/\\\\evil.example/x',
      '/gw/ernie/[::1]/x',
      '/gw/ernie/x#frag',
      '/gw/ernie/%252e%252e/x',
      '/gw/ernie/x%00y',
      '/gw/ernie/x%0d%0aHost:%20evil',
      '/gw/ernie/%2e/x',
      '/gw/ernie/.%2e/x',
      '/gw/ernie/%2E%2E/x',
      '/gw/ernie/a/%2e%2e',
      '/gw//evil.example/x',
      '/gw/%2f%2fevil.example/x',
      '/gw/',
      '/gw/no-such-profile/x',
      '/gw/ernie/@',
      '/gw/ernie//',
    ];
    expect(targets.length).toBeGreaterThanOrEqual(30);
    for (const target of targets) {
      const answer = await gw(target);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
    }
    // Absolute-form targets, sent raw: the path is not ours to begin with.
    for (const raw of ['http://evil.example/gw/ernie/x', 'https://127.0.0.1:9/x', '//evil.example/gw/ernie/x']) {
      const status = await rawStatus(raw);
      expect(status, raw).toMatch(/^HTTP\/1\.1 4\d\d/);
    }
    // A chosen upstream must be one of the profile's origins.
    expect((await gw('/gw/ernie/x', { headers: { 'tokentray-upstream': 'https://evil.example' } })).status).toBe(400);
    expect(api.requests).toEqual([]);
  });

  it('never follows a redirect to another origin, and keeps one on its own origin inside the gateway', async () => {
    await baiduProfile();
    api.answer((request, response) => {
      if (request.url.startsWith('/away')) response.writeHead(302, { location: 'https://evil.example/steal' });
      else response.writeHead(301, { location: `${api.origin}/moved?access_token=x&keep=1` });
      response.end();
    });
    const away = await gw('/gw/ernie/away');
    expect(away.status).toBe(502);
    expect(away.json().error).toBe('gateway_redirect_refused');
    const home = await gw('/gw/ernie/home');
    expect(home.status).toBe(301);
    expect(home.headers.location).toBe('/gw/ernie/moved?keep=1');
  });

  it('streams a large request body on without keeping it, and does not send it twice', async () => {
    await baiduProfile();
    api.answer((request, response) => json(response, 200, { received: request.body.length }));
    const big = 'x'.repeat(3 * 1024 * 1024);
    const answer = await gw('/gw/ernie/upload', { method: 'POST', body: big });
    expect(answer.json()).toEqual({ received: big.length });
    // Refused with a body too large to keep: the refusal reaches the client, nothing is resent.
    api.answer((_request, response) => json(response, 200, { error_code: 111, error_msg: 'Access token expired' }));
    const refused = await gw('/gw/ernie/upload', { method: 'POST', body: big });
    expect(refused.json()).toMatchObject({ error_code: 111 });
    expect(api.requests).toHaveLength(2);
  });

  it('is off for a profile without API origins, and says how to turn it on', async () => {
    const view = await t.fx.service.addProfile({
      name: 'no origins',
      provider: 'oauth2',
      apiKey: 'test-api-key-0001',
      secretKey: 'test-secret-key-0001',
      tokenUrl: t.fx.server.oauthUrl,
    });
    await t.fx.service.getToken(view.id);
    const answer = await gw('/gw/no%20origins/x');
    expect(answer.status).toBe(403);
    expect(answer.json().error).toBe('gateway_off');
  });
});

/** Sends a raw request line over the socket and returns the status line. */
function rawStatus(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ connect }) => {
      const socket = connect(t.apiLocation.endpoint);
      let answer = '';
      socket.on('data', (chunk) => {
        answer += String(chunk);
      });
      socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
      socket.on('error', reject);
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${secret()}\r\nConnection: close\r\n\r\n`,
      );
    }, reject);
  });
}

describe('the gateway on a company network', () => {
  it("goes through the profile's proxy, and reaches an API behind a TLS-inspecting CA once that CA is trusted", async () => {
    const ca = makePrivateCa();
    const inspected = await startFakeApi({ tls: ca });
    const corp = await startConnectProxy();
    try {
      const view = await t.fx.service.addProfile(
        t.fx.baiduInput({ name: 'corp', options: { apiOrigins: inspected.origin } }),
      );
      const token = await t.fx.service.getToken(view.id);
      await t.fx.service.updateProfile(view.id, { proxy: corp.url });
      const refused = await gw('/gw/corp/rpc/2.0/chat', { method: 'POST', body: '{}' });
      expect(refused.status).toBe(502);
      expect(refused.json()).toMatchObject({ error: 'upstream_tls', message_key: 'api.upstream_tls' });
      expect(refused.json().message).toContain('Settings → Network');
      expect(inspected.requests).toHaveLength(0);

      const file = join(t.fx.temp.dir, 'company-ca.pem');
      writeFileSync(file, ca.caPem);
      t.dialogAnswers.push(file);
      await t.desktop.handlers['network:choose-ca']();
      const answer = await gw('/gw/corp/rpc/2.0/chat', { method: 'POST', body: '{}' });
      expect(answer.status).toBe(200);
      expect(new URL(inspected.requests[0]?.url ?? '', inspected.origin).searchParams.get('access_token')).toBe(token);
      // Both attempts went through the profile's proxy, to the API's host and nowhere else.
      expect(corp.tunnels).toEqual([new URL(inspected.origin).host, new URL(inspected.origin).host]);
    } finally {
      await corp.close();
      await inspected.close();
    }
  });
});

describe('the gateway’s snippets', () => {
  it('names the base URL and origins, and its curl line works as printed', async () => {
    await baiduProfile();
    const info = (
      await gw('/v1/profiles/ernie/gateway')
    ).json() as import('../../../main/contract/local-api.ts').GatewayInfo;
    expect(info.origins).toEqual([api.origin]);
    expect(info.base).toEqual({ socket: 'http://localhost/gw/ERNIE%20dev', tcp: null });
    const curl = info.snippets.find((s) => s.title === 'curl')?.text ?? '';
    expect(curl).toContain(`--unix-socket '${t.apiLocation.endpoint}'`);
    expect(curl).not.toContain(secret());
    // Run as printed, by a shell (asynchronously: the API and the gateway live in this process).
    const { execFile } = await import('node:child_process');
    const out = await new Promise<string>((resolve, reject) =>
      execFile('sh', ['-c', curl], { encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(JSON.parse(out)).toMatchObject({ ok: true, method: 'POST' });
    expect(new URL(api.requests[0]?.url ?? '', api.origin).pathname).toBe(
      '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions',
    );
  });
});

describe('the gateway and web pages', () => {
  it('forwards nothing a page in a real Chromium sends, even with a token it learned', async () => {
    const { launchBrowser } = await import('../../support/browser-harness.ts');
    const { freePort } = await import('../../support/free-port.ts');
    const { createServer } = await import('node:http');
    await baiduProfile();
    const token = t.fx.server.issued[0] ?? '';
    const port = await freePort();
    await t.desktop.handlers['settings:set']({ apiTcpEnabled: true, apiTcpPort: port });
    // Another local origin: what a malicious page (or DNS rebinding to 127.0.0.1) would be.
    const page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>neighbour</title>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const browser = await launchBrowser();
    try {
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${(page.address() as import('node:net').AddressInfo).port}/`);
      const outcomes = await tab.evaluate(
        async ({ api, token }) => {
          const attempt = (url: string, init: RequestInit = {}) =>
            fetch(url, init).then(
              (r) => `${r.type} ${r.status}`,
              () => 'blocked',
            );
          return Promise.all([
            // A simple GET carrying the learned token where an SDK would: no preflight.
            attempt(`${api}/gw/ernie/rpc/2.0/chat?access_token=${encodeURIComponent(token)}`),
            attempt(`${api}/gw/ernie/rpc/2.0/chat?access_token=${encodeURIComponent(token)}`, { mode: 'no-cors' }),
            attempt(`${api}/gw/ernie/oauth/2.0/token?client_id=x&client_secret=y`, { method: 'POST', mode: 'no-cors' }),
            attempt(`${api}/v1/profiles/ernie/token`),
          ]);
        },
        { api: `http://127.0.0.1:${port}`, token },
      );
      // The page learns nothing (CORS blocks or the answer is opaque) and, above all, nothing reached the API.
      expect(outcomes.every((o) => o === 'blocked' || o === 'opaque 0')).toBe(true);
      expect(api.requests).toEqual([]);
      expect(t.fx.server.issued).toHaveLength(1);
    } finally {
      await browser.close();
      page.close();
    }
  });
});
