import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileInput, ProviderId } from '../../main/core/index.ts';
import { createEngineFixture, type EngineFixture } from '../support/engine-fixture.ts';
import type { FakeTokenServer } from '../support/fake-token-server.ts';

/**
 * Token servers that quote the request back in their error text. Whatever form the profile's own
 * keys come back in, none of it may reach the store file, the views (window, tray, notifications
 * are drawn from them), a key test's answer or the log.
 */

const API_KEY = 'Api.Key-Value_4567xyz';
const SECRET_KEY = 'Sec/ret+Key=Value~0123abcd';
/** OAuth 2.0 secrets may hold spaces, which form encoding turns into `+`. */
const OAUTH_SECRET = 'peer secret/+=0123';
/** A WeChat AppSecret is 32 hex characters: exactly what an IPv6-looking "invalid ip" echo is made of. */
const WECHAT_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const form = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);

/** Every way the servers below echo a key pair: what each one sends back. */
function echoes(id: string, secret: string): [string, string][] {
  return [
    ['the secret as sent', secret],
    ['the key as sent', id],
    ['a form body', `grant_type=client_credentials&client_id=${form(id)}&client_secret=${form(secret)}`],
    ['the URL-encoded secret', encodeURIComponent(secret)],
    ['the base64 secret', b64(secret)],
    ['the base64url secret', Buffer.from(secret).toString('base64url')],
    ['a Basic header', `Basic ${b64(`${form(id)}:${form(secret)}`)}`],
    ['a base64 form body', b64(`client_id=${form(id)}&client_secret=${form(secret)}&grant_type=client_credentials`)],
    ['JSON with escaped slashes', JSON.stringify({ appid: id, secret }).replaceAll('/', '\\/')],
  ];
}

interface Case {
  provider: ProviderId;
  label: string;
  secret: string;
  options?: Record<string, unknown>;
  url(server: FakeTokenServer): string;
  /** The provider's own error answer carrying `echo`. */
  answer(echo: string): { status: number; body: unknown };
}

const CASES: Case[] = [
  {
    provider: 'baidu',
    label: 'Baidu, in error_description',
    secret: SECRET_KEY,
    url: (s) => s.baiduUrl,
    answer: (echo) => ({ status: 401, body: { error: 'invalid_client', error_description: `bad request: ${echo}` } }),
  },
  {
    provider: 'baidu',
    label: 'Baidu, in the error code itself',
    secret: SECRET_KEY,
    url: (s) => s.baiduUrl,
    answer: (echo) => ({ status: 400, body: { error: echo } }),
  },
  {
    provider: 'oauth2',
    label: 'OAuth 2.0, in error_description',
    secret: OAUTH_SECRET,
    url: (s) => s.oauthUrl,
    answer: (echo) => ({ status: 401, body: { error: 'invalid_client', error_description: `got ${echo}` } }),
  },
  {
    provider: 'baidu-iam',
    label: 'IAM, in message',
    secret: SECRET_KEY,
    url: (s) => s.iamUrl,
    answer: (echo) => ({ status: 400, body: { requestId: 'r1', code: 'SignatureDoesNotMatch', message: echo } }),
  },
  {
    provider: 'wechat',
    label: 'WeChat, as the "invalid ip"',
    secret: WECHAT_SECRET,
    url: (s) => s.wechatStableUrl,
    answer: (echo) => ({
      status: 200,
      body: { errcode: 40164, errmsg: `invalid ip ${echo} ipv6 ::ffff:${echo}, not in whitelist rid: 1-2-3` },
    }),
  },
  {
    provider: 'wechat',
    label: 'WeChat classic, in errmsg',
    secret: WECHAT_SECRET,
    options: { endpoint: 'classic' },
    url: (s) => s.wechatClassicUrl,
    answer: (echo) => ({ status: 200, body: { errcode: 40001, errmsg: `invalid credential ${echo} rid: 1` } }),
  },
  {
    provider: 'feishu',
    label: 'Feishu, in msg',
    secret: SECRET_KEY,
    url: (s) => s.feishuUrl,
    answer: (echo) => ({ status: 200, body: { code: 10014, msg: `app secret invalid: ${echo}` } }),
  },
  {
    provider: 'dingtalk',
    label: 'DingTalk, in message',
    secret: SECRET_KEY,
    url: (s) => s.dingtalkUrl,
    answer: (echo) => ({ status: 400, body: { code: 'invalidClientIdOrSecret', message: echo, requestid: 'r' } }),
  },
  {
    provider: 'dingtalk',
    label: 'DingTalk legacy, in errmsg',
    secret: SECRET_KEY,
    options: { api: 'legacy' },
    url: (s) => s.dingtalkLegacyUrl,
    answer: (echo) => ({ status: 200, body: { errcode: 40089, errmsg: `不合法的corpsecret ${echo}` } }),
  },
];

let fx: EngineFixture;
beforeAll(async () => {
  fx = await createEngineFixture();
});
afterAll(async () => {
  await fx.dispose();
});

describe.each(CASES)('a server that echoes the keys back: $label', (c) => {
  it.each(echoes(API_KEY, c.secret))(
    'keeps %s out of the store, the views, key tests and the log',
    async (_form, echo) => {
      const input: ProfileInput = {
        name: `echo ${c.provider}`,
        provider: c.provider,
        apiKey: API_KEY,
        secretKey: c.secret,
        tokenUrl: c.url(fx.server),
        ...(c.options ? { options: c.options } : {}),
      };
      const { status, body } = c.answer(echo);
      fx.server.behave({ type: 'raw', status, body: JSON.stringify(body) });
      try {
        const { id } = await fx.service.addProfile(input);
        const view = await fx.service.refresh(id);
        const tested = await fx.service.testCredentials(input);
        expect(view.error).toBeDefined();
        expect(tested.ok).toBe(false);
        const seen = [
          readFileSync(fx.temp.filePath, 'utf8'),
          JSON.stringify(fx.service.listProfiles()),
          JSON.stringify(tested),
          fx.logs.join('\n'),
        ].join('\n');
        expect(seen).not.toContain(echo);
        for (const secret of [API_KEY, c.secret]) expect(seen).not.toContain(secret);
        // A WeChat "IP" made of the secret is not offered as the address to whitelist.
        expect(view.error?.messageParams?.ip).toBeUndefined();
        await fx.service.removeProfile(id);
      } finally {
        fx.server.behave({ type: 'ok' });
      }
    },
  );
});
