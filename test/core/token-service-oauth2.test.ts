import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, createEngineFixture, type EngineFixture, SECRET_KEY } from '../support/engine-fixture.ts';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
});

const input = (url: string, options: Record<string, unknown> = {}) => ({
  name: 'gateway',
  provider: 'oauth2' as const,
  apiKey: API_KEY,
  secretKey: SECRET_KEY,
  tokenUrl: url,
  options,
});

describe('generic OAuth 2.0 client credentials, end to end', () => {
  it.each(['basic', 'post'] as const)('gets a token with client_secret_%s', async (auth) => {
    fx = await createEngineFixture();
    const { id } = await fx.service.addProfile(input(fx.server.oauthUrl, { auth, scope: 'read' }));
    const view = await fx.service.refresh(id);
    expect(view).toMatchObject({ status: 'valid', expiresAt: fx.now() + 3_600_000, options: { auth, scope: 'read' } });
    expect(fx.server.requests[0]?.params.scope).toBe('read');
    expect(await fx.service.getToken(id)).toBe(fx.server.issued[0]);
  });

  it.each(['basic', 'post'] as const)(
    'keeps the inner spaces of a client secret with client_secret_%s (VSCHAR)',
    async (auth) => {
      fx = await createEngineFixture({ clients: { 'peer client': 'peer secret/+=' } });
      const { id } = await fx.service.addProfile({
        ...input(fx.server.oauthUrl, { auth }),
        apiKey: ' peer client ',
        secretKey: '  peer secret/+=\n',
      });
      expect((await fx.service.refresh(id)).status).toBe('valid');
      expect(await fx.service.getToken(id)).toBe(fx.server.issued[0]);
    },
  );

  it('explains a refused scope as not permitted', async () => {
    fx = await createEngineFixture();
    const { id } = await fx.service.addProfile(input(fx.server.oauthUrl, { scope: 'forbidden' }));
    expect((await fx.service.refresh(id)).error).toMatchObject({
      code: 'not_permitted',
      providerCode: 'invalid_scope',
    });
  });

  it('keeps a token of unknown lifetime valid and does not refresh it on its own', async () => {
    fx = await createEngineFixture({ oauthOmitExpiresIn: true });
    const { id } = await fx.service.addProfile(input(fx.server.oauthUrl));
    const view = await fx.service.refresh(id);
    expect(view.status).toBe('valid');
    expect(view.expiresAt).toBeUndefined();
    expect(view.nextRefreshAt).toBeUndefined();
    fx.advance(30 * 24 * 3_600_000);
    await fx.service.checkDue();
    expect(fx.server.requests).toHaveLength(1);
  });

  it('takes the lifetime from a JWT’s exp when the server does not say it, before any configured guess', async () => {
    fx = await createEngineFixture({ oauthOmitExpiresIn: true, oauthJwt: true, oauthLifetimeSeconds: 1800 });
    const { id } = await fx.service.addProfile(input(fx.server.oauthUrl, { lifetimeSeconds: 86_400 }));
    const view = await fx.service.refresh(id);
    // exp is whole seconds: the expiry is the token's own, not the profile's 24 h guess.
    expect(view.expiresAt).toBe(Math.floor(fx.now() / 1000) * 1000 + 1_800_000);
    expect(view.nextRefreshAt).toBeDefined();
    fx.advance(30 * 60_000);
    await fx.service.checkDue();
    expect(fx.server.requests).toHaveLength(2);
  });

  it('rejects options the provider does not know', async () => {
    fx = await createEngineFixture();
    const error = await fx.service.addProfile(input(fx.server.oauthUrl, { auth: 'digest' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ field: 'options', messageKey: 'input.options_invalid' });
  });
});
