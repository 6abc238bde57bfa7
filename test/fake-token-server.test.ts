import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../main/core/index.ts';
import { type FakeTokenServer, startFakeTokenServer } from './support/fake-token-server.ts';

/**
 * The fake's own faithfulness: it refuses a request of the wrong shape the way the real
 * endpoint does, so a provider that sent the wrong shape would fail its tests.
 */
let server: FakeTokenServer;
const send = createHttpClient({ timeoutMs: 2000 });
const clients = { 'app-id-0001': 'app-secret-0001' };
beforeEach(async () => {
  server = await startFakeTokenServer({ clients });
});
afterEach(async () => {
  await server.close();
});

async function body(request: Parameters<typeof send>[0]) {
  const outcome = await send(request);
  if (!outcome.ok) throw new Error(outcome.failure.code);
  return { status: outcome.response.status, json: outcome.response.json };
}

describe('the fake token server refuses the wrong request shape', () => {
  it('WeChat stable_token: a form body gets errcode 41002, like the real one', async () => {
    const reply = await body({
      method: 'POST',
      url: server.wechatStableUrl,
      form: { grant_type: 'client_credential', appid: 'app-id-0001', secret: 'app-secret-0001' },
    });
    expect(reply).toMatchObject({ status: 200, json: { errcode: 41002 } });
  });

  it('WeChat: grant_type client_credentials (plural) is refused with 40002', async () => {
    const reply = await body({
      method: 'POST',
      url: server.wechatStableUrl,
      json: { grant_type: 'client_credentials', appid: 'app-id-0001', secret: 'app-secret-0001' },
    });
    expect(reply.json).toMatchObject({ errcode: 40002 });
  });

  it('DingTalk v1.0: a form body gets HTTP 400', async () => {
    const reply = await body({
      method: 'POST',
      url: server.dingtalkUrl,
      form: { appKey: 'app-id-0001', appSecret: 'app-secret-0001' },
    });
    expect(reply.status).toBe(400);
  });

  it('Feishu: a form body gets HTTP 400', async () => {
    const reply = await body({
      method: 'POST',
      url: server.feishuUrl,
      form: { app_id: 'app-id-0001', app_secret: 'app-secret-0001' },
    });
    expect(reply.status).toBe(400);
  });

  it('IAM: an unsigned request, or one whose query differs from what was signed, is refused', async () => {
    expect(await body({ method: 'GET', url: `${server.iamUrl}?expireInSeconds=60` })).toMatchObject({
      status: 400,
      json: { code: 'InvalidHTTPAuthHeader' },
    });
    const { PROVIDERS } = await import('../main/core/index.ts');
    const request = PROVIDERS['baidu-iam'].buildRequest(
      { apiKey: 'app-id-0001', secretKey: 'app-secret-0001' },
      { tokenUrl: server.iamUrl, options: { expireInSeconds: 3600 }, now: Date.now() },
    );
    const tampered = { ...request, url: request.url.replace('expireInSeconds=3600', 'expireInSeconds=7200') };
    expect(await body(tampered)).toMatchObject({ status: 400, json: { code: 'SignatureDoesNotMatch' } });
    expect(await body(request)).toMatchObject({ status: 200, json: { status: 'enable' } });
  });

  it('OAuth 2.0: Basic and body authentication together are refused', async () => {
    const basic = Buffer.from('app-id-0001:app-secret-0001').toString('base64');
    const reply = await body({
      method: 'POST',
      url: server.oauthUrl,
      headers: { authorization: `Basic ${basic}` },
      form: { grant_type: 'client_credentials', client_id: 'app-id-0001', client_secret: 'app-secret-0001' },
    });
    expect(reply).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });
});
