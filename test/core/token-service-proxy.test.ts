import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, createEngineFixture, type EngineFixture, SECRET_KEY } from '../support/engine-fixture.ts';
import { startConnectProxy, type TestProxy } from '../support/proxies.ts';

let fx: EngineFixture | undefined;
let corp: TestProxy | undefined;
afterEach(async () => {
  await fx?.dispose();
  await corp?.close();
});

const PASSWORD = 'corp-pass-7781';

describe('a profile with its own proxy', () => {
  it('goes through it with the password kept sealed, shows the URL without it, and keeps it across edits', async () => {
    fx = await createEngineFixture();
    corp = await startConnectProxy({ auth: `alice:${PASSWORD}` });
    const host = new URL(corp.url).host;
    const input = { name: 'corp', provider: 'baidu', apiKey: API_KEY, secretKey: SECRET_KEY };
    const added = await fx.service.addProfile({
      ...input,
      tokenUrl: fx.server.baiduUrl,
      proxy: `http://alice:${PASSWORD}@${host}`,
    });
    expect(added.proxy).toBe(`http://alice@${host}`);
    expect((await fx.service.refresh(added.id)).status).toBe('valid');
    expect(corp.tunnels).toHaveLength(1);
    expect(readFileSync(fx.temp.filePath, 'utf8')).not.toContain(PASSWORD);
    expect(fx.logs.join('\n')).not.toContain(PASSWORD);

    // The form sends back the URL it showed (no password): the sealed one stays, also after a restart.
    await fx.service.updateProfile(added.id, { proxy: `http://alice@${host}`, name: 'corp 2' });
    const service = await fx.restart();
    expect((await service.refresh(added.id)).status).toBe('valid');
    expect(corp.tunnels).toHaveLength(2);

    // Direct bypasses it; a proxy that wants a password it lacks gets its own error.
    await service.updateProfile(added.id, { proxy: 'direct' });
    expect((await service.refresh(added.id)).error).toBeUndefined();
    expect(corp.tunnels).toHaveLength(2);
    await service.updateProfile(added.id, { proxy: `http://alice@${host}` });
    const refused = await service.refresh(added.id);
    expect(refused.error).toMatchObject({ code: 'proxy_error', messageKey: 'proxy_auth', retryable: true });
  });

  it('refuses what is not a proxy URL, naming the field', async () => {
    fx = await createEngineFixture();
    const base = { name: 'x', provider: 'baidu', apiKey: API_KEY, secretKey: SECRET_KEY };
    for (const proxy of ['ftp://proxy:21', 'http://proxy:3128/path', 'not a url', 'http://']) {
      await expect(fx.service.addProfile({ ...base, proxy })).rejects.toMatchObject({
        field: 'proxy',
        messageKey: 'input.proxy_invalid',
      });
    }
    const system = await fx.service.addProfile({ ...base, proxy: 'system' });
    expect(system.proxy).toBeUndefined();
  });
});
