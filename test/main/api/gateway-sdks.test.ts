import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { API_KEY, SECRET_KEY } from '../../support/engine-fixture.ts';
import { type FakeApi, json, startFakeApi } from '../../support/fake-api-upstream.ts';
import { freePort } from '../../support/free-port.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/**
 * SDKs nobody here wrote, through the gateway: the official `openai` npm SDK (which sends
 * `sec-fetch-mode: cors` on every request, like anything built on Node's fetch) with its base URL
 * set to a Baidu IAM profile's gateway, against a fake Qianfan v2 chat/completions on loopback.
 */
let t: DesktopFixture;
let qianfan: FakeApi;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);
beforeEach(async () => {
  qianfan = await startFakeApi();
  qianfan.answer((request, response) => {
    const body = JSON.parse(request.body.toString() || '{}') as { stream?: boolean; model?: string };
    if (request.headers.authorization !== `Bearer ${t.fx.server.issued.at(-1)}`) {
      json(response, 401, { error: { code: 'invalid_iam_token', message: 'IAM token invalid' } });
      return;
    }
    if (!body.stream) {
      json(response, 200, {
        id: 'as-1',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: '你好！' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of ['你', '好', '！']) {
      const chunk = { id: 'as-2', object: 'chat.completion.chunk', created: 1, model: body.model };
      response.write(`data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
    }
    response.end('data: [DONE]\n\n');
  });
});
afterEach(async () => {
  await qianfan.close();
});

/**
 * The TCP listener on, and a profile whose gateway forwards to the fake API: its view, first token,
 * gateway base URL (over TCP, as SDKs use it) and the gateway key (the API secret).
 */
async function gatewayProfile(name: string, provider: string, tokenUrl: string, options: Record<string, string> = {}) {
  const port = await freePort();
  await t.desktop.handlers['settings:set']({ apiTcpEnabled: true, apiTcpPort: port });
  const view = await t.fx.service.addProfile({
    name,
    provider,
    apiKey: API_KEY,
    secretKey: SECRET_KEY,
    tokenUrl,
    options: { apiOrigins: qianfan.origin, ...options },
  });
  const token = await t.fx.service.getToken(view.id);
  const base = `http://127.0.0.1:${port}/gw/${encodeURIComponent(name.toLowerCase())}`;
  return { view, token, base, key: readFileSync(t.apiLocation.secretFile, 'utf8').trim() };
}

async function openaiThroughGateway() {
  const { base, key } = await gatewayProfile('Qianfan v2', 'baidu-iam', t.fx.server.iamUrl);
  return new OpenAI({ baseURL: `${base}/v2`, apiKey: key, maxRetries: 0 });
}

describe('the openai SDK through the gateway', () => {
  it('gets a chat completion with a Baidu IAM token it never held', async () => {
    const client = await openaiThroughGateway();
    const completion = await client.chat.completions.create({
      model: 'ernie-4.0-8k',
      messages: [{ role: 'user', content: '你好' }],
    });
    expect(completion.choices[0]?.message.content).toBe('你好！');
    expect(qianfan.requests[0]?.url).toBe('/v2/chat/completions');
    expect(qianfan.requests[0]?.headers.authorization).toMatch(/^Bearer /);
    expect(JSON.stringify(qianfan.requests)).not.toContain(readFileSync(t.apiLocation.secretFile, 'utf8').trim());
  });

  it('streams a chat completion piece by piece', async () => {
    const client = await openaiThroughGateway();
    const stream = await client.chat.completions.create({
      model: 'ernie-4.0-8k',
      messages: [{ role: 'user', content: '你好' }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces.join('')).toBe('你好！');
  });

  it('recovers when Qianfan refuses the token: one refresh, and the SDK never sees the 401', async () => {
    const client = await openaiThroughGateway();
    // The token server issues a new token; the API still expects the old one to have been replaced.
    let refused = false;
    qianfan.answer((request, response) => {
      if (!refused) {
        refused = true;
        json(response, 401, { error: { code: 'invalid_iam_token', message: 'IAM token invalid' } });
        return;
      }
      json(response, 200, {
        id: 'as-3',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [
          { index: 0, message: { role: 'assistant', content: request.headers.authorization }, finish_reason: 'stop' },
        ],
      });
    });
    const before = t.fx.server.issued.length;
    const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(t.fx.server.issued.length).toBe(before + 1);
    expect(completion.choices[0]?.message.content).toBe(`Bearer ${t.fx.server.issued.at(-1)}`);
  });
});

describe('SDKs that fetch their own token, pointed at the gateway (the 中控 mode)', () => {
  it('the Baidu Cloud SDK signs its IAM bearer-token request with the gateway key and gets the shared token', async () => {
    const { default: BceBaseClient } = await import('@baiducloud/sdk/src/bce_base_client.js');
    // The SDK signs with the wall clock, and a signature is only good for its time: set the fake clock to it.
    t.fx.advance(Date.now() - t.fx.now());
    const {
      view,
      token: shared,
      base,
      key: gatewayKey,
    } = await gatewayProfile('Qianfan IAM', 'baidu-iam', t.fx.server.iamUrl);
    const ask = (ak: string, sk: string) =>
      new BceBaseClient({ endpoint: base, credentials: { ak, sk } }, 'iam')
        .sendRequest('GET', '/v1/BCE-BEARER/token', { params: { expireInSeconds: 3600 } })
        .then(
          (answer) => ({ ok: true, body: answer.body as Record<string, unknown> }),
          (error: Record<string, unknown>) => ({ ok: false, body: error }),
        );
    const issued = t.fx.server.issued.length;
    const answer = await ask(API_KEY, gatewayKey);
    expect(answer).toMatchObject({ ok: true });
    expect(answer.body.token).toBe(shared);
    expect(answer.body.status).toBe('enable');
    const expireTime = Date.parse(String(answer.body.expireTime));
    expect(Math.abs(expireTime - (t.fx.service.getProfile(view.id)?.expiresAt ?? 0))).toBeLessThan(5_000);
    // Signed with the real secret, or a stranger's access key: Baidu's own refusals, no token.
    const realSecret = await ask(API_KEY, SECRET_KEY);
    expect(realSecret).toMatchObject({
      ok: false,
      body: { status_code: 400, message: { code: 'SignatureDoesNotMatch' } },
    });
    const strangerKey = await ask('ALTAKstranger', gatewayKey);
    expect(strangerKey).toMatchObject({
      ok: false,
      body: { status_code: 403, message: { code: 'InvalidAccessKeyId' } },
    });
    expect(JSON.stringify([realSecret, strangerKey])).not.toContain(shared);
    // The SDK never caused a fetch of its own.
    expect(t.fx.server.issued.length).toBe(issued);
  });

  it('a Feishu self-built app asking for app_access_token gets the shared tenant token in both fields', async () => {
    const {
      token: shared,
      base,
      key: gatewayKey,
    } = await gatewayProfile('Feishu app', 'feishu', t.fx.server.feishuUrl);
    const got = await fetch(`${base}/open-apis/auth/v3/app_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ app_id: API_KEY, app_secret: gatewayKey }),
    });
    const body = (await got.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 0, app_access_token: shared, tenant_access_token: shared });
    expect(body.expire).toBeGreaterThan(0);
  });

  it('@larksuiteoapi/node-sdk takes its tenant token from the gateway with the gateway key as app secret', async () => {
    const lark = await import('@larksuiteoapi/node-sdk');
    const { token: shared, base, key: gatewayKey } = await gatewayProfile('Lark bot', 'feishu', t.fx.server.feishuUrl);
    qianfan.answer((request, response) => {
      json(response, 200, {
        code: 0,
        msg: 'success',
        data: { current: request.headers.authorization === `Bearer ${shared}`, path: request.url },
      });
    });
    const client = new lark.Client({
      appId: API_KEY,
      appSecret: gatewayKey,
      domain: base,
      loggerLevel: lark.LoggerLevel.error,
    });
    const answer = (await client.request({
      method: 'POST',
      url: '/open-apis/im/v1/messages',
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_1', msg_type: 'text', content: '{"text":"hi"}' },
    })) as { code: number; data: { current: boolean; path: string } };
    expect(answer.code).toBe(0);
    // The API saw the shared token; the token server saw one request, from TokenTray, not the SDK.
    expect(answer.data.current).toBe(true);
    expect(answer.data.path).toBe('/open-apis/im/v1/messages?receive_id_type=chat_id');
    expect(t.fx.server.requests.filter((r) => r.path.includes('tenant_access_token'))).toHaveLength(1);
    // The real app secret never left: the upstream saw neither it nor the gateway key.
    expect(JSON.stringify(qianfan.requests)).not.toContain('test-secret-key-0001');
    expect(JSON.stringify(qianfan.requests)).not.toContain(gatewayKey);
  });

  it('a WeChat client gets its token from /cgi-bin/token and calls an API: a 40001 costs one refresh and one retry', async () => {
    // The classic endpoint hands out a new token on every fetch (stable_token returns the same one).
    const {
      view,
      base,
      key: gatewayKey,
    } = await gatewayProfile('mini program', 'wechat', t.fx.server.wechatClassicUrl, {
      endpoint: 'classic',
    });
    // What wechatpy and WxJava do, with only their API host changed.
    const got = await fetch(
      `${base}/cgi-bin/token?grant_type=client_credential&appid=test-api-key-0001&secret=${gatewayKey}`,
    );
    const { access_token: sdkToken, expires_in: expiresIn } = (await got.json()) as {
      access_token: string;
      expires_in: number;
    };
    expect(sdkToken).toBeTypeOf('string');
    expect(sdkToken).toBe(await t.fx.service.getToken(view.id));
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(7200);
    // Wrong app id, wrong secret: the provider's own errors; no token.
    const wrongApp = await fetch(
      `${base}/cgi-bin/token?grant_type=client_credential&appid=wx-other&secret=${gatewayKey}`,
    );
    expect(await wrongApp.json()).toEqual({ errcode: 40013, errmsg: 'invalid appid' });
    const wrongSecret = await fetch(`${base}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: 'test-api-key-0001',
        secret: 'test-secret-key-0001',
      }),
    });
    expect(await wrongSecret.json()).toEqual({ errcode: 40125, errmsg: 'invalid appsecret' });

    let refusals = 0;
    qianfan.answer((request, response) => {
      const token = new URL(request.url, qianfan.origin).searchParams.get('access_token');
      if (token === sdkToken && refusals++ === 0) json(response, 200, { errcode: 40001, errmsg: 'invalid credential' });
      else json(response, 200, { errcode: 0, errmsg: 'ok', token_is_current: token !== sdkToken });
    });
    const before = t.fx.server.requests.length;
    const sent = await fetch(`${base}/cgi-bin/message/custom/send?access_token=${sdkToken}`, {
      method: 'POST',
      body: JSON.stringify({ touser: 'o1', msgtype: 'text', text: { content: 'hi' } }),
    });
    expect(await sent.json()).toEqual({ errcode: 0, errmsg: 'ok', token_is_current: true });
    expect(t.fx.server.requests.length - before).toBe(1);
    // The SDK still holds the replaced token: accepted once more, with the current one put in.
    const again = await fetch(`${base}/cgi-bin/message/custom/send?access_token=${sdkToken}`, {
      method: 'POST',
      body: '{}',
    });
    expect(await again.json()).toMatchObject({ errcode: 0, token_is_current: true });
    // A token that was never this profile's is refused.
    const stranger = await fetch(`${base}/cgi-bin/message/custom/send?access_token=not-a-token`, {
      method: 'POST',
      body: '{}',
    });
    expect(stranger.status).toBe(401);
  });
});
