import { afterEach, describe, expect, it } from 'vitest';
import { createTranslator, describeError } from '../../main/contract/i18n.ts';
import type { ProfileInput } from '../../main/core/index.ts';
import { providerFacts } from '../../main/core/index.ts';
import { API_KEY, createEngineFixture, type EngineFixture, SECRET_KEY } from '../support/engine-fixture.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
let fx: EngineFixture;
afterEach(async () => {
  await fx?.dispose();
});

function input(provider: ProfileInput['provider'], tokenUrl: string, extra: Partial<ProfileInput> = {}): ProfileInput {
  return { name: provider, provider, apiKey: API_KEY, secretKey: SECRET_KEY, tokenUrl, ...extra };
}

async function fetched(profile: ProfileInput) {
  const { id } = await fx.service.addProfile(profile);
  return { id, view: await fx.service.refresh(id) };
}

describe('Baidu IAM bearer tokens (Qianfan v2)', () => {
  it('signs the GET, asks for a day by default and takes the expiry from expireTime', async () => {
    fx = await createEngineFixture();
    const { id, view } = await fetched(input('baidu-iam', fx.server.iamUrl));
    expect(view).toMatchObject({ status: 'valid', expiresAt: fx.now() + 24 * HOUR });
    const [request] = fx.server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.query).toEqual({ expireInSeconds: '86400' });
    expect(String(request?.headers.authorization)).toMatch(
      /^bce-auth-v1\/test-api-key-0001\/2026-11-30T01:00:00Z\/1800\/host\/[0-9a-f]{64}$/,
    );
    expect(await fx.service.getToken(id)).toMatch(/^bce-v3\/ALTAK-/);
  });

  it('signs exactly the query it sends, including one already in the token URL', async () => {
    fx = await createEngineFixture();
    const { view } = await fetched(
      input('baidu-iam', `${fx.server.iamUrl}?tag=a%20b`, { options: { expireInSeconds: 3600 } }),
    );
    expect(view.error).toBeUndefined();
    expect(fx.server.requests[0]?.query).toEqual({ tag: 'a b', expireInSeconds: '3600' });
    expect(view.expiresAt).toBe(fx.now() + HOUR);
  });

  it.each([
    ['a wrong Secret Key', { secretKey: 'wrong-secret-key' }, {}, 'invalid_credentials_signature', 400],
    ['an unknown Access Key', { apiKey: 'unknown-access-key' }, {}, 'invalid_credentials_access_key', 403],
    ['a clock 2 hours off', {}, { iamClockSkewMs: 2 * HOUR }, 'invalid_request_clock', 400],
  ])('explains %s', async (_label, keys, server, messageKey, httpStatus) => {
    fx = await createEngineFixture(server);
    const { view } = await fetched(input('baidu-iam', fx.server.iamUrl, keys));
    expect(view.error).toMatchObject({ messageKey, httpStatus, retryable: false });
  });

  it('refuses a lifetime over 30 days', async () => {
    fx = await createEngineFixture();
    const error = await fx.service
      .addProfile(input('baidu-iam', fx.server.iamUrl, { options: { expireInSeconds: 3_000_000 } }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ field: 'options' });
  });
});

describe('WeChat stable_token', () => {
  it('posts JSON with client_credential and never forces a new token on its own', async () => {
    fx = await createEngineFixture();
    const { view } = await fetched(input('wechat', fx.server.wechatStableUrl));
    expect(view).toMatchObject({ status: 'valid', expiresAt: fx.now() + 2 * HOUR });
    expect(fx.server.requests[0]?.json).toEqual({
      grant_type: 'client_credential',
      appid: API_KEY,
      secret: SECRET_KEY,
      force_refresh: false,
    });
  });

  it('refreshes inside the last 5 minutes, where WeChat rotates the token, and not before', async () => {
    fx = await createEngineFixture();
    const { id, view } = await fetched(input('wechat', fx.server.wechatStableUrl));
    expect(view.nextRefreshAt).toBe(fx.now() + 2 * HOUR - 4 * MIN);
    // A manual refresh an hour in gets the same token back, with the same expiry: no churn.
    fx.advance(HOUR);
    const again = await fx.service.refresh(id);
    expect(fx.server.issued).toHaveLength(1);
    expect(again.expiresAt).toBe(view.expiresAt);
    expect(again.nextRefreshAt).toBe(view.nextRefreshAt);
    fx.advance(HOUR - 4 * MIN);
    await fx.service.checkDue();
    expect(fx.server.issued).toHaveLength(2);
    expect(await fx.service.getToken(id)).toBe(fx.server.issued[1]);
    expect(fx.server.revoked.size).toBe(0);
  });

  it('forces a new token only when the user asks, revoking the old one', async () => {
    fx = await createEngineFixture();
    const { id } = await fetched(input('wechat', fx.server.wechatStableUrl));
    await fx.service.refresh(id, { force: true });
    expect(fx.server.requests[1]?.json?.force_refresh).toBe(true);
    expect(fx.server.revoked.has(fx.server.issued[0] ?? '')).toBe(true);
    fx.advance(10_000);
    const tooSoon = await fx.service.refresh(id, { force: true });
    expect(tooSoon.error).toMatchObject({ code: 'rate_limited', providerCode: '45011' });
  });

  it.each([
    [{ apiKey: 'wx-unknown-appid' }, 'invalid_credentials', 'invalid_credentials_appid', '40013'],
    [{ secretKey: 'wrong-app-secret' }, 'invalid_credentials', 'invalid_credentials_appsecret', '40001'],
  ])('maps errcode by code only: %j', async (keys, code, messageKey, providerCode) => {
    fx = await createEngineFixture();
    const { view } = await fetched(input('wechat', fx.server.wechatStableUrl, keys));
    expect(view.error).toMatchObject({ code, messageKey, providerCode, httpStatus: 200 });
  });

  it('says which IP to whitelist', async () => {
    fx = await createEngineFixture();
    const body = JSON.stringify({
      errcode: 40164,
      errmsg: 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 6560a1b2-1c2d3e4f-5a6b7c8d',
    });
    fx.server.queue({ type: 'raw', status: 200, body });
    const { view } = await fetched(input('wechat', fx.server.wechatStableUrl));
    expect(view.error).toMatchObject({
      code: 'not_permitted',
      messageKey: 'not_permitted_ip',
      messageParams: { ip: '203.0.113.7' },
    });
    // The engine speaks in codes and parameters; the words, with the IP filled in, come from the catalog.
    expect(describeError(view.error ?? { messageKey: 'timeout' }, createTranslator('en')).message).toBe(
      "The provider refused this computer's IP address 203.0.113.7.",
    );
  });

  it.each([
    [45009, 'rate_limited', true],
    [-1, 'server_error', true],
    [89503, 'not_permitted', false],
    [40243, 'not_permitted', false],
  ])('maps errcode %i to %s', async (errcode, code, retryable) => {
    fx = await createEngineFixture();
    fx.server.queue({
      type: 'raw',
      status: 200,
      body: JSON.stringify({ errcode, errmsg: `whatever rid: ${errcode}` }),
    });
    const { view } = await fetched(input('wechat', fx.server.wechatStableUrl));
    expect(view.error).toMatchObject({ code, retryable });
  });

  it('uses the classic endpoint only when chosen, where each fetch revokes the previous token', async () => {
    fx = await createEngineFixture();
    const { id } = await fetched(input('wechat', fx.server.wechatClassicUrl, { options: { endpoint: 'classic' } }));
    expect(fx.server.requests[0]).toMatchObject({
      method: 'GET',
      query: { grant_type: 'client_credential', appid: API_KEY },
    });
    await fx.service.refresh(id);
    expect(fx.server.revoked.has(fx.server.issued[0] ?? '')).toBe(true);
    await fx.service.refresh(id, { force: true });
    expect(fx.server.requests[2]?.json).toBeUndefined();
    expect(providerFacts('wechat', { endpoint: 'classic' }).defaultTokenUrl).toBe(
      'https://api.weixin.qq.com/cgi-bin/token',
    );
  });
});

describe('Feishu / Lark tenant_access_token', () => {
  it('reads `expire` as the remaining lifetime and refreshes inside the last 30 minutes', async () => {
    fx = await createEngineFixture();
    const { id, view } = await fetched(input('feishu', fx.server.feishuUrl));
    expect(fx.server.requests[0]?.json).toEqual({ app_id: API_KEY, app_secret: SECRET_KEY });
    // The usual 10 % (12 minutes) is already inside Feishu's 30-minute window.
    expect(view).toMatchObject({ expiresAt: fx.now() + 2 * HOUR, nextRefreshAt: fx.now() + 2 * HOUR - 12 * MIN });
    fx.advance(HOUR);
    const same = await fx.service.refresh(id);
    expect(fx.server.issued).toHaveLength(1);
    expect(same.expiresAt).toBe(view.expiresAt);
    // Still inside the last 30 minutes when the next automatic refresh comes.
    expect((same.expiresAt ?? 0) - (same.nextRefreshAt ?? 0)).toBeLessThan(30 * MIN);
    fx.advance((same.nextRefreshAt ?? 0) - fx.now());
    await fx.service.checkDue();
    expect(fx.server.issued).toHaveLength(2);
    expect(fx.service.getProfile(id)?.expiresAt).toBe(fx.now() + 2 * HOUR);
  });

  it('caps a longer margin to the window in which Feishu hands out a new token', async () => {
    fx = await createEngineFixture();
    const { view } = await fetched(input('feishu', fx.server.feishuUrl, { refreshMarginMs: HOUR }));
    expect(view.nextRefreshAt).toBe(fx.now() + 2 * HOUR - 25 * MIN);
  });

  it.each([
    [{ apiKey: 'cli_unknown' }, 'invalid_credentials_app', '10003'],
    [{ secretKey: 'wrong-app-secret' }, 'invalid_credentials_app_secret', '10014'],
  ])('maps code %j', async (keys, messageKey, providerCode) => {
    fx = await createEngineFixture();
    const { view } = await fetched(input('feishu', fx.server.feishuUrl, keys));
    expect(view.error).toMatchObject({ code: 'invalid_credentials', messageKey, providerCode, httpStatus: 200 });
  });

  it('talks to Lark when the region says so', () => {
    expect(providerFacts('feishu', { region: 'lark' }).defaultTokenUrl).toBe(
      'https://open.larksuite.com/open-apis/auth/v3/tenant_access_token/internal',
    );
    expect(providerFacts('feishu', {}).defaultTokenUrl).toBe(
      'https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal',
    );
  });
});

describe('DingTalk', () => {
  it('gets a token from the new API with a JSON body, the same token extended on re-fetch', async () => {
    fx = await createEngineFixture();
    const { id, view } = await fetched(input('dingtalk', fx.server.dingtalkUrl));
    expect(fx.server.requests[0]?.json).toEqual({ appKey: API_KEY, appSecret: SECRET_KEY });
    fx.advance(HOUR);
    const again = await fx.service.refresh(id);
    expect(fx.server.issued).toHaveLength(1);
    expect(again.expiresAt).toBe((view.expiresAt ?? 0) + HOUR);
  });

  it('explains rejected keys, sent by the new API as HTTP 400', async () => {
    fx = await createEngineFixture();
    const { view } = await fetched(input('dingtalk', fx.server.dingtalkUrl, { secretKey: 'wrong-secret' }));
    expect(view.error).toMatchObject({
      code: 'invalid_credentials',
      providerCode: 'invalidClientIdOrSecret',
      httpStatus: 400,
      retryable: false,
    });
  });

  it('uses the legacy gettoken with query parameters when chosen', async () => {
    fx = await createEngineFixture();
    const { view } = await fetched(input('dingtalk', fx.server.dingtalkLegacyUrl, { options: { api: 'legacy' } }));
    expect(view.status).toBe('valid');
    expect(fx.server.requests[0]).toMatchObject({ method: 'GET', query: { appkey: API_KEY, appsecret: SECRET_KEY } });
    const bad = await fetched(
      input('dingtalk', fx.server.dingtalkLegacyUrl, { options: { api: 'legacy' }, secretKey: 'nope-nope' }),
    );
    expect(bad.view.error).toMatchObject({ code: 'invalid_credentials', providerCode: '40089', httpStatus: 200 });
  });
});
