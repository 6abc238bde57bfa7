import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileInputError, type ProfileView } from '../../main/core/index.ts';
import { DAY } from '../../main/core/refresh-policy.ts';
import {
  API_KEY,
  createEngineFixture,
  type EngineFixture,
  offlineHttp,
  SECRET_KEY,
} from '../support/engine-fixture.ts';
import { startFakeTokenServer } from '../support/fake-token-server.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await createEngineFixture();
});
afterEach(async () => {
  await fx.dispose();
});

function expectNoSecretsIn(text: string, tokens: readonly string[]) {
  for (const secret of [API_KEY, SECRET_KEY, ...tokens]) expect(text).not.toContain(secret);
}

describe('profiles', () => {
  it('adds a Baidu profile and fetches its first 30-day token at once', async () => {
    const added = await fx.service.addProfile(fx.baiduInput());
    expect(added).toMatchObject({ name: 'ERNIE dev', provider: 'baidu', refreshing: true, status: 'none' });

    const view = await fx.service.refresh(added.id);
    expect(fx.server.requests).toHaveLength(1);
    expect(view.status).toBe('valid');
    expect(view.expiresAt).toBe(fx.now() + 30 * DAY);
    expect(view.refreshedAt).toBe(fx.now());
    expect(view.nextRefreshAt).toBe(fx.now() + 27 * DAY);
    expect(view.error).toBeUndefined();
    expect(await fx.service.getToken(added.id)).toBe(fx.server.issued[0]);
  });

  it('sends Baidu credentials in a form body, not in the URL', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    const [request] = fx.server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.query).toEqual({});
    expect(request?.params).toEqual({
      grant_type: 'client_credentials',
      client_id: API_KEY,
      client_secret: SECRET_KEY,
    });
  });

  it('trims pasted keys before using them', async () => {
    const { id } = await fx.service.addProfile(
      fx.baiduInput({ apiKey: `  ${API_KEY}\n`, secretKey: `\t${SECRET_KEY} \r\n` }),
    );
    const view = await fx.service.refresh(id);
    expect(view.status).toBe('valid');
    expect(fx.server.requests[0]?.params.client_secret).toBe(SECRET_KEY);
  });

  it('refuses empty keys, keys with line breaks inside and absurd lengths, naming the field', async () => {
    const attempts: [Record<string, unknown>, string, string][] = [
      [{ apiKey: '   ' }, 'apiKey', 'input.key_required'],
      [{ secretKey: 'abc\ndef' }, 'secretKey', 'input.key_control_chars'],
      [{ secretKey: 'x'.repeat(2000) }, 'secretKey', 'input.key_too_long'],
      [{ name: '' }, 'name', 'input.name_required'],
      [{ provider: 'nope' }, 'provider', 'input.provider_unknown'],
      [{ tokenUrl: 'ftp://example.com/token' }, 'tokenUrl', 'input.token_url_invalid'],
      [{ tokenUrl: 'https://user:pw@example.com/token' }, 'tokenUrl', 'input.token_url_invalid'],
      [{ tokenUrl: 'http://aip.baidubce.com/oauth/2.0/token' }, 'tokenUrl', 'input.token_url_insecure'],
      [{ tokenUrl: 'http://10.0.0.7:8080/token' }, 'tokenUrl', 'input.token_url_insecure'],
      [{ tokenUrl: 'http://localhost.evil.example/token' }, 'tokenUrl', 'input.token_url_insecure'],
      [{ name: 'ERNIE \u202eved' }, 'name', 'input.name_invalid_chars'],
      [{ name: 'two\nlines' }, 'name', 'input.name_invalid_chars'],
      [{ name: 'bell\u0007' }, 'name', 'input.name_invalid_chars'],
      [{ name: 'para\u2029graph' }, 'name', 'input.name_invalid_chars'],
      [{ apiKey: 'test-api\u200b-key-0001' }, 'apiKey', 'input.key_invisible_chars'],
      [{ secretKey: 'test-secret key-0001' }, 'secretKey', 'input.key_spaces'],
      [{ cron: 'every day' }, 'cron', 'input.cron_invalid'],
      [{ cron: '* * * * *' }, 'cron', 'input.cron_too_often'],
      [{ refreshMarginMs: -1 }, 'refreshMarginMs', 'input.margin_invalid'],
    ];
    for (const [patch, field, messageKey] of attempts) {
      const error = await fx.service.addProfile(fx.baiduInput(patch)).catch((e: unknown) => e);
      expect(error, JSON.stringify(patch)).toBeInstanceOf(ProfileInputError);
      expect(error).toMatchObject({ field, messageKey });
      expectNoSecretsIn((error as Error).message, []);
    }
    expect(fx.service.listProfiles()).toEqual([]);
    expect(fx.server.requests).toHaveLength(0);
  });

  it('requires a token URL for generic OAuth 2.0 and defaults Baidu to aip.baidubce.com', async () => {
    const error = await fx.service
      .addProfile({ name: 'svc', provider: 'oauth2', apiKey: API_KEY, secretKey: SECRET_KEY })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ field: 'tokenUrl', messageKey: 'input.token_url_required' });

    const seen: string[] = [];
    const offline = await fx.restart({
      http: offlineHttp(seen),
    });
    const { id } = await offline.addProfile({
      name: 'prod',
      provider: 'baidu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
    });
    await offline.refresh(id);
    expect(seen).toEqual(['https://aip.baidubce.com/oauth/2.0/token']);
  });

  it('accepts plain http:// only on this computer, and names with emoji joiners', async () => {
    for (const tokenUrl of ['http://localhost:9/t', 'http://127.0.0.1:9/t', 'http://[::1]:9/t']) {
      expect((await fx.service.addProfile(fx.baiduInput({ tokenUrl }))).tokenUrl).toBe(tokenUrl);
    }
    const named = await fx.service.addProfile(fx.baiduInput({ name: '开发 👩‍💻' }));
    expect(named.name).toBe('开发 👩‍💻');
  });

  it('sends nothing to a plain http:// URL on another host saved by an older version', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.close();
    const data = JSON.parse(readFileSync(fx.temp.filePath, 'utf8'));
    data.profiles[0].tokenUrl = 'http://aip.baidubce.com/oauth/2.0/token';
    writeFileSync(fx.temp.filePath, JSON.stringify(data));
    const seen: string[] = [];
    const service = await fx.restart({
      http: offlineHttp(seen),
    });
    const view = await service.refresh(id);
    expect(seen).toEqual([]);
    expect(view.error).toMatchObject({
      code: 'invalid_request',
      messageKey: 'invalid_request_insecure_url',
      retryable: false,
    });
  });

  it('keeps the stored keys away from a new token URL host until both are typed again', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    const elsewhere = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
    try {
      for (const patch of [
        { tokenUrl: elsewhere.baiduUrl },
        { tokenUrl: elsewhere.baiduUrl, apiKey: API_KEY },
        { provider: 'oauth2' as const, tokenUrl: fx.server.oauthUrl },
        { tokenUrl: '' },
      ]) {
        const error = await fx.service.updateProfile(id, patch).catch((e: unknown) => e);
        expect(error, JSON.stringify(patch)).toMatchObject({ messageKey: 'input.keys_required_new_destination' });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(elsewhere.requests).toHaveLength(0);
      expect(fx.service.getProfile(id)?.tokenUrl).toBe(fx.server.baiduUrl);

      // Same server, another path: the keys already go there.
      const samePlace = await fx.service.updateProfile(id, { tokenUrl: `${fx.server.base}/oauth/2.0/token?x=1` });
      expect(samePlace.tokenUrl).toBe(`${fx.server.base}/oauth/2.0/token?x=1`);
      await fx.service.updateProfile(id, { tokenUrl: elsewhere.baiduUrl, apiKey: API_KEY, secretKey: SECRET_KEY });
      expect((await fx.service.refresh(id)).status).toBe('valid');
      expect(elsewhere.requests).toHaveLength(1);
    } finally {
      await elsewhere.close();
    }
  });

  it('lists views that hold no key, secret or token, only a short key hint', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    const views = fx.service.listProfiles();
    expect(views[0]?.apiKeyHint).toBe('test…0001');
    expectNoSecretsIn(JSON.stringify(views), fx.server.issued);
  });

  it('keeps keys and tokens only as cipher text in a file only the user can read', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    await fx.service.close();
    const file = readFileSync(fx.temp.filePath, 'utf8');
    expectNoSecretsIn(file, fx.server.issued);
    expect(JSON.parse(file)).toMatchObject({ schemaVersion: 1, profiles: [{ id, apiKeyHint: 'test…0001' }] });
    expect(statSync(fx.temp.filePath).mode & 0o777).toBe(0o600);
  });

  it('never writes a key, secret or token to the log, even when things fail', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    fx.server.queue({
      type: 'error',
      error: 'invalid_client',
      description: `Client authentication failed for ${SECRET_KEY}`,
      status: 401,
    });
    const failed = await fx.service.refresh(id);
    fx.server.queue({ type: 'reset' }, { type: 'html', status: 502 });
    await fx.service.refresh(id);
    await fx.service.refresh(id);
    expect(fx.logs.length).toBeGreaterThan(3);
    expectNoSecretsIn(fx.logs.join('\n'), fx.server.issued);
    expect(failed.error?.providerMessage).toBe('Client authentication failed for [redacted]');
  });

  it('restores every profile and token after a restart without fetching again', async () => {
    const a = await fx.service.addProfile(fx.baiduInput({ name: 'a' }));
    const b = await fx.service.addProfile(fx.baiduInput({ name: 'b' }));
    await Promise.all([fx.service.refresh(a.id), fx.service.refresh(b.id)]);
    const before = fx.service.listProfiles();
    const restarted = await fx.restart();
    fx.advance(DAY);
    await restarted.checkDue();
    expect(fx.server.requests).toHaveLength(2);
    const after = restarted.listProfiles();
    expect(after.map((v: ProfileView) => v.name)).toEqual(['a', 'b']);
    expect(after.map((v) => v.expiresAt)).toEqual(before.map((v) => v.expiresAt));
    expect(await restarted.getToken(b.id)).toBe(fx.server.issued[1]);
  });

  it('renames without refetching, but new keys discard the old token and fetch a new one', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    const renamed = await fx.service.updateProfile(id, { name: 'ERNIE prod' });
    expect(renamed).toMatchObject({ name: 'ERNIE prod', status: 'valid' });
    expect(fx.server.requests).toHaveLength(1);

    await fx.service.updateProfile(id, { secretKey: 'wrong-secret-000' });
    const view = await fx.service.refresh(id);
    expect(fx.server.requests).toHaveLength(2);
    expect(view).toMatchObject({
      status: 'none',
      error: { code: 'invalid_credentials', messageKey: 'invalid_credentials_secret_key' },
    });
    expect(await fx.service.getToken(id)).toBeUndefined();
  });

  it('lists ids and names alone, in the order added, anew only after an addition, a rename or a removal', async () => {
    const first = await fx.service.addProfile(fx.baiduInput());
    const second = await fx.service.addProfile({ ...fx.baiduInput(), name: 'ERNIE prod' });
    expect(fx.service.listProfileNames()).toEqual([
      { id: first.id, name: 'ERNIE dev' },
      { id: second.id, name: 'ERNIE prod' },
    ]);
    // The same list until a profile is added, renamed or removed: a new token is none of those.
    const names = fx.service.listProfileNames();
    await fx.service.refresh(first.id);
    expect(fx.service.listProfileNames()).toBe(names);
    await fx.service.updateProfile(first.id, { name: 'ERNIE test' });
    expect(fx.service.listProfileNames()).not.toBe(names);
    await fx.service.removeProfile(second.id);
    expect(fx.service.listProfileNames()).toEqual([{ id: first.id, name: 'ERNIE test' }]);
  });

  it('removes a profile, and a fetch that was in flight does not bring it back', async () => {
    fx.server.behave({ type: 'delay', ms: 150 });
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.removeProfile(id);
    await new Promise((r) => setTimeout(r, 300));
    expect(fx.service.listProfiles()).toEqual([]);
    await fx.service.close();
    expect(JSON.parse(readFileSync(fx.temp.filePath, 'utf8')).profiles).toEqual([]);
  });

  it('tells listeners about every change, and stops when unsubscribed', async () => {
    const seen: ProfileView[][] = [];
    const unsubscribe = fx.service.onChange((views) => seen.push(views));
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    expect(seen.map((views) => [views[0]?.refreshing, views[0]?.status])).toEqual([
      [true, 'none'],
      [false, 'valid'],
    ]);
    unsubscribe();
    await fx.service.updateProfile(id, { name: 'x' });
    expect(seen).toHaveLength(2);
  });

  it('tests keys before saving them, and saves nothing', async () => {
    const good = await fx.service.testCredentials(fx.baiduInput());
    expect(good).toEqual({ ok: true, expiresInMs: 30 * DAY });
    const bad = await fx.service.testCredentials(fx.baiduInput({ apiKey: 'unknown-key-123' }));
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', messageKey: 'invalid_credentials_api_key' },
    });
    expect(fx.service.listProfiles()).toEqual([]);
  });
});
