import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../main/core/index.ts';
import { environmentResolver, proxyUrlFromPac } from '../../main/core/proxy-route.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';
import { freePort } from '../support/free-port.ts';
import { makePrivateCa, type PrivateCa } from '../support/private-ca.ts';
import { startConnectProxy, startSocksProxy, type TestProxy } from '../support/proxies.ts';

const form = {
  grant_type: 'client_credentials',
  client_id: 'test-api-key-0001',
  client_secret: 'test-secret-key-0001',
};
let ca: PrivateCa;
let inspected: FakeTokenServer;
const proxies: TestProxy[] = [];
const proxy = async (made: Promise<TestProxy>) => {
  const started = await made;
  proxies.push(started);
  return started;
};
const direct = async () => undefined;
const trusting = (extra: string[] = [ca.caPem]) =>
  createHttpClient({ extraCertificates: () => extra, resolveProxy: direct });

beforeAll(async () => {
  // A token server behind a TLS-inspecting firewall: its certificate chains to a company CA only.
  ca = makePrivateCa();
  inspected = await startFakeTokenServer({ tls: ca });
});
afterAll(() => inspected.close());
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((started) => started.close()));
});

describe('certificates', () => {
  it('refuses a server signed by an authority nobody trusts, and accepts it once the CA file is added', async () => {
    const refused = await trusting([])({ method: 'POST', url: inspected.oauthUrl, form });
    expect(refused).toMatchObject({ ok: false, failure: { code: 'network_error', messageKey: 'network_tls' } });
    const accepted = await trusting()({ method: 'POST', url: inspected.oauthUrl, form });
    expect(accepted).toMatchObject({ ok: true, response: { status: 200 } });
  });
});

describe('proxies', () => {
  it('tunnels through an HTTP CONNECT proxy, verifying the server inside the tunnel', async () => {
    const corp = await proxy(startConnectProxy());
    const outcome = await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: corp.url });
    expect(outcome).toMatchObject({ ok: true, response: { status: 200 } });
    expect(corp.tunnels).toEqual([new URL(inspected.oauthUrl).host]);
    const untrusted = await trusting([])({ method: 'POST', url: inspected.oauthUrl, form, proxy: corp.url });
    expect(untrusted).toMatchObject({ ok: false, failure: { code: 'network_error', messageKey: 'network_tls' } });
  });

  it('follows what the system resolver answers (PAC notation), and Direct skips it', async () => {
    const corp = await proxy(startConnectProxy());
    const send = createHttpClient({
      extraCertificates: () => [ca.caPem],
      resolveProxy: async () => proxyUrlFromPac(`PROXY ${new URL(corp.url).host}; DIRECT`),
    });
    expect(await send({ method: 'POST', url: inspected.oauthUrl, form })).toMatchObject({ ok: true });
    expect(corp.tunnels).toHaveLength(1);
    expect(await send({ method: 'POST', url: inspected.oauthUrl, form, proxy: 'direct' })).toMatchObject({ ok: true });
    expect(corp.tunnels).toHaveLength(1);
  });

  it('names a proxy that wants a password, and passes it when the proxy URL carries one', async () => {
    const corp = await proxy(startConnectProxy({ auth: 'alice:p@ss word' }));
    const without = await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: corp.url });
    expect(without).toMatchObject({
      ok: false,
      failure: { code: 'proxy_error', messageKey: 'proxy_auth', httpStatus: 407 },
    });
    const withPassword = `http://alice:${encodeURIComponent('p@ss word')}@${new URL(corp.url).host}`;
    const wrong = `http://alice:nope@${new URL(corp.url).host}`;
    expect(await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: withPassword })).toMatchObject({
      ok: true,
    });
    const refused = await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: wrong });
    expect(JSON.stringify(refused)).not.toContain('nope');
    expect(refused).toMatchObject({ ok: false, failure: { messageKey: 'proxy_auth' } });
  });

  it('tells a proxy that refuses to connect onwards and one that is not there from the token server failing', async () => {
    const strict = await proxy(startConnectProxy({ refuse: 403 }));
    expect(await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: strict.url })).toMatchObject({
      ok: false,
      failure: { code: 'proxy_error', messageKey: 'proxy_error', httpStatus: 403, retryable: true },
    });
    const gone = `http://127.0.0.1:${await freePort()}`;
    expect(await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: gone })).toMatchObject({
      ok: false,
      failure: { code: 'proxy_error', messageKey: 'proxy_unreachable', providerCode: 'ECONNREFUSED' },
    });
  });

  it('speaks TLS to an https:// proxy, trusting it through the same CA file', async () => {
    const secure = await proxy(startConnectProxy({ tls: ca }));
    const outcome = await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: secure.url });
    expect(outcome).toMatchObject({ ok: true, response: { status: 200 } });
    const untrusted = await trusting([])({ method: 'POST', url: inspected.oauthUrl, form, proxy: secure.url });
    expect(untrusted).toMatchObject({ ok: false, failure: { code: 'proxy_error', messageKey: 'proxy_tls' } });
  });

  it('goes through a SOCKS5 proxy', async () => {
    const socks = await proxy(startSocksProxy());
    const outcome = await trusting()({ method: 'POST', url: inspected.oauthUrl, form, proxy: socks.url });
    expect(outcome).toMatchObject({ ok: true, response: { status: 200 } });
    // socks5:// resolves the name here (socks5h:// would leave it to the proxy).
    expect(socks.tunnels).toEqual([`127.0.0.1:${new URL(inspected.oauthUrl).port}`]);
  });

  it('reads HTTPS_PROXY and NO_PROXY where there is no Electron (tokentray-server)', async () => {
    const saved = { ...process.env };
    try {
      process.env.HTTPS_PROXY = 'proxy.corp.example:3128';
      process.env.NO_PROXY = '.internal.example';
      expect(await environmentResolver('https://aip.baidubce.com/oauth/2.0/token')).toBe(
        'http://proxy.corp.example:3128/',
      );
      expect(await environmentResolver('https://auth.internal.example/token')).toBeUndefined();
      process.env.HTTPS_PROXY = 'https://tls-proxy.corp.example';
      expect(await environmentResolver('https://aip.baidubce.com/')).toBe('https://tls-proxy.corp.example/');
      delete process.env.HTTPS_PROXY;
      expect(await environmentResolver('https://aip.baidubce.com/oauth/2.0/token')).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it('reads the first usable entry of a PAC answer', () => {
    expect(proxyUrlFromPac('DIRECT')).toBeUndefined();
    expect(proxyUrlFromPac('PROXY 10.0.0.1:3128; DIRECT')).toBe('http://10.0.0.1:3128');
    expect(proxyUrlFromPac('HTTPS proxy.corp:443')).toBe('https://proxy.corp:443');
    expect(proxyUrlFromPac('SOCKS5 127.0.0.1:1080')).toBe('socks5://127.0.0.1:1080');
    expect(proxyUrlFromPac('SOCKS 127.0.0.1:1080')).toBe('socks4://127.0.0.1:1080');
    expect(proxyUrlFromPac('QUIC x:1; PROXY a:1')).toBe('http://a:1');
  });
});
