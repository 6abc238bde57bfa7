import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../main/core/http-client.ts';
import { PROVIDERS } from '../../main/core/index.ts';

const creds = { apiKey: 'ak-1234567890', secretKey: 'sk-0987654321' };
const context = { tokenUrl: 'https://example.test/token', options: {}, now: 0 };
const reply = (
  status: number,
  json?: Record<string, unknown>,
  headers: HttpResponse['headers'] = {},
): HttpResponse => ({ status, json, headers });

describe('Baidu legacy OAuth answers', () => {
  const interpret = (response: HttpResponse) => PROVIDERS.baidu.interpret(response, creds, context);

  it.each([
    [
      'unknown API Key',
      reply(401, { error: 'invalid_client', error_description: 'unknown client id' }),
      'invalid_credentials',
      'invalid_credentials_api_key',
      false,
    ],
    [
      'wrong Secret Key',
      reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' }),
      'invalid_credentials',
      'invalid_credentials_secret_key',
      false,
    ],
    [
      'wrong Secret Key, sent with 200',
      reply(200, { error: 'invalid_client', error_description: 'Client authentication failed' }),
      'invalid_credentials',
      'invalid_credentials_secret_key',
      false,
    ],
    ['service not enabled', reply(400, { error: 'invalid_grant' }), 'not_permitted', 'not_permitted', false],
    ['bad grant type', reply(400, { error: 'unsupported_grant_type' }), 'invalid_request', 'invalid_request', false],
    ['malformed request', reply(400, { error: 'invalid_request' }), 'invalid_request', 'invalid_request', false],
    ['an unknown error word', reply(400, { error: 'something_new' }), 'invalid_request', 'invalid_request', false],
    ['mistyped URL (HTML page)', reply(200), 'bad_response', 'bad_response', true],
    ['JSON of another protocol', reply(200, { errcode: 0 }), 'bad_response', 'bad_response_no_token', true],
    ['gateway error page', reply(502), 'server_error', 'server_error', true],
    ['throttled', reply(429), 'rate_limited', 'rate_limited', true],
    ['empty token', reply(200, { access_token: '', expires_in: 2592000 }), 'bad_response', 'bad_response', true],
    [
      'token with a line break',
      reply(200, { access_token: 'ab\ncd', expires_in: 2592000 }),
      'bad_response',
      'bad_response',
      true,
    ],
    ['redirect', reply(302), 'bad_response', 'bad_response_redirect', false],
  ])('%s → %s', (_label, response, code, messageKey, retryable) => {
    expect(interpret(response)).toMatchObject({ ok: false, failure: { code, messageKey, retryable } });
  });

  it.each([
    ['a space', 'ab cd'],
    ['a double quote', 'ab"cd'],
    ['a single quote', "ab'cd"],
    ['a semicolon', 'ab;cd'],
    ['a dollar sign', 'ab$(reboot)'],
    ['an angle bracket', 'ab<script>'],
    ['a backslash', 'ab\\cd'],
    ['a percent sign', 'ab%0Acd'],
    ['a non-ASCII letter', 'abcdé'],
    ['a zero-width space', 'ab\u200bcd'],
    ['padding in the middle', 'ab=cd'],
  ])('refuses a token with %s: only RFC 6750 b64token characters go into headers and shells', (_label, token) => {
    expect(interpret(reply(200, { access_token: token, expires_in: 2592000 }))).toMatchObject({
      ok: false,
      failure: { code: 'bad_response' },
    });
  });

  it.each([
    ['Baidu', '24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1485516651.282335-8574074'],
    ['IAM', 'bce-v3/ALTAK-kEOuJjRbJkWtTGfOwgX3a/6d2b8f0d2e4a4c1f9b7e5d3c1a0f8e6d'],
    ['JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjIn0.c2ln-_~+/'],
    ['base64 with padding', 'QUJDRA=='],
  ])('accepts a %s-shaped token', (_label, token) => {
    expect(interpret(reply(200, { access_token: token, expires_in: 2592000 }))).toMatchObject({
      ok: true,
      grant: { accessToken: token },
    });
  });

  it('succeeds on access_token whatever else is there, with the 30-day lifetime', () => {
    const result = interpret(
      reply(200, { access_token: '24.abc.2592000.1.2-3', expires_in: 2592000, scope: 'x', session_key: 'y' }),
    );
    expect(result).toEqual({ ok: true, grant: { accessToken: '24.abc.2592000.1.2-3', expiresInMs: 2_592_000_000 } });
  });

  it('accepts a lifetime sent as a numeric string', () => {
    expect(interpret(reply(200, { access_token: 't', expires_in: '3600' }))).toMatchObject({
      grant: { expiresInMs: 3_600_000 },
    });
  });

  it('keeps a token of 4 KB and more intact', () => {
    const long = 'x'.repeat(8192);
    expect(interpret(reply(200, { access_token: long, expires_in: 60 }))).toMatchObject({
      grant: { accessToken: long },
    });
  });

  it('keeps the provider error and description, with any echoed secret removed', () => {
    const result = interpret(
      reply(401, { error: 'invalid_client', error_description: `bad secret ${creds.secretKey}` }),
    );
    expect(result).toMatchObject({
      failure: { providerCode: 'invalid_client', providerMessage: 'bad secret [redacted]', httpStatus: 401 },
    });
  });
});

describe('OAuth 2.0 client credentials requests', () => {
  it('authenticates with HTTP Basic by default, form-encoding id and secret first', () => {
    const request = PROVIDERS.oauth2.buildRequest(
      { apiKey: 'id with space', secretKey: 'p&ss:wörd' },
      { ...context, options: { auth: 'basic', scope: 'read write' } },
    );
    const expected = Buffer.from('id+with+space:p%26ss%3Aw%C3%B6rd').toString('base64');
    expect(request).toEqual({
      method: 'POST',
      url: context.tokenUrl,
      headers: { authorization: `Basic ${expected}` },
      form: { grant_type: 'client_credentials', scope: 'read write' },
    });
  });

  it('puts the credentials in the body, never the URL, with client_secret_post', () => {
    const request = PROVIDERS.oauth2.buildRequest(creds, { ...context, options: { auth: 'post' } });
    expect(request.headers).toBeUndefined();
    expect(request.url).toBe(context.tokenUrl);
    expect(request.form).toEqual({
      grant_type: 'client_credentials',
      client_id: creds.apiKey,
      client_secret: creds.secretKey,
    });
  });

  it.each([
    [reply(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' }), 'invalid_credentials'],
    [reply(400, { error: 'invalid_scope' }), 'not_permitted'],
    [reply(400, { error: 'unauthorized_client' }), 'not_permitted'],
    [reply(400, { error: 'unsupported_grant_type' }), 'invalid_request'],
    [reply(503, { error: 'temporarily_unavailable' }), 'server_error'],
    [reply(500), 'server_error'],
  ])('maps %j to %s', (response, code) => {
    expect(PROVIDERS.oauth2.interpret(response, creds, context)).toMatchObject({ ok: false, failure: { code } });
  });

  it('reads Retry-After in seconds and as an HTTP date against the server clock', () => {
    const seconds = PROVIDERS.oauth2.interpret(reply(429, undefined, { 'retry-after': '120' }), creds, context);
    expect(seconds).toMatchObject({ failure: { code: 'rate_limited', retryAfterMs: 120_000 } });
    const date = PROVIDERS.oauth2.interpret(
      reply(429, undefined, { date: 'Mon, 30 Nov 2026 01:00:00 GMT', 'retry-after': 'Mon, 30 Nov 2026 01:05:00 GMT' }),
      creds,
      context,
    );
    expect(date).toMatchObject({ failure: { retryAfterMs: 300_000 } });
  });

  it('leaves the lifetime unknown without expires_in, unless the profile gives one', () => {
    const body = { access_token: 'abc', token_type: 'Bearer' };
    expect(PROVIDERS.oauth2.interpret(reply(200, body), creds, context)).toEqual({
      ok: true,
      grant: { accessToken: 'abc' },
    });
    const withDefault = PROVIDERS.oauth2.interpret(reply(200, body), creds, {
      ...context,
      options: { lifetimeSeconds: 900 },
    });
    expect(withDefault).toMatchObject({ grant: { expiresInMs: 900_000 } });
  });
});

describe('error tables of the other providers, code by code', () => {
  const ctx = (options: Record<string, unknown> = {}) => ({ ...context, options });
  const expectFailure = (
    provider: keyof typeof PROVIDERS,
    response: HttpResponse,
    code: string,
    messageKey: string,
    options = {},
  ) =>
    expect(PROVIDERS[provider].interpret(response, creds, ctx(options))).toMatchObject({
      ok: false,
      failure: { code, messageKey },
    });

  it.each([
    [403, 'InvalidAccessKeyId', 'invalid_credentials', 'invalid_credentials_access_key'],
    [400, 'SignatureDoesNotMatch', 'invalid_credentials', 'invalid_credentials_signature'],
    [403, 'AccessDenied', 'not_permitted', 'not_permitted'],
    [403, 'OptInRequired', 'not_permitted', 'not_permitted'],
    [400, 'RequestExpired', 'invalid_request', 'invalid_request_clock'],
    [400, 'InvalidHTTPAuthHeader', 'invalid_request', 'invalid_request'],
    [500, 'InternalError', 'server_error', 'server_error'],
  ])('Baidu IAM: HTTP %i %s → %s', (status, providerCode, code, messageKey) => {
    expectFailure('baidu-iam', reply(status, { requestId: 'r', code: providerCode, message: 'x' }), code, messageKey);
  });

  it.each([
    [40125, 'invalid_credentials', 'invalid_credentials_appsecret'],
    [40164, 'not_permitted', 'not_permitted'],
    [89501, 'not_permitted', 'not_permitted_ip_confirm'],
    [40002, 'invalid_request', 'invalid_request'],
    [41002, 'invalid_request', 'invalid_request'],
    [41004, 'invalid_request', 'invalid_request'],
    [45011, 'rate_limited', 'rate_limited'],
  ])('WeChat: errcode %i → %s', (errcode, code, messageKey) => {
    expectFailure('wechat', reply(200, { errcode, errmsg: 'whatever rid: 1' }), code, messageKey);
  });

  it.each([
    [10003, 'invalid_credentials', 'invalid_credentials_app'],
    [10014, 'invalid_credentials', 'invalid_credentials_app_secret'],
    [99991400, 'invalid_request', 'invalid_request'],
  ])('Feishu: code %i → %s', (providerCode, code, messageKey) => {
    expectFailure('feishu', reply(200, { code: providerCode, msg: 'x' }), code, messageKey);
  });

  it.each([
    [400, 'invalidClientIdOrSecret', 'invalid_credentials'],
    [429, 'Throttling.Api', 'rate_limited'],
  ])('DingTalk: HTTP %i %s → %s', (status, providerCode, code) => {
    expectFailure('dingtalk', reply(status, { code: providerCode, message: 'x', requestid: 'r' }), code, code);
  });

  it.each([
    [40089, 'invalid_credentials'],
    [-1, 'server_error'],
  ])('DingTalk legacy: errcode %i → %s', (errcode, code) => {
    expectFailure('dingtalk', reply(200, { errcode, errmsg: 'x' }), code, code, { api: 'legacy' });
  });

  it('never mistakes a success for an error or the reverse', () => {
    expect(
      PROVIDERS.feishu.interpret(
        reply(200, { code: 0, msg: 'ok', tenant_access_token: 't-1', expire: 5400 }),
        creds,
        ctx(),
      ),
    ).toEqual({
      ok: true,
      grant: { accessToken: 't-1', expiresInMs: 5_400_000 },
    });
    expect(
      PROVIDERS['baidu-iam'].interpret(
        reply(200, { token: 'bce-v3/A/b', expireTime: '2026-12-01T00:00:00Z' }),
        creds,
        ctx(),
      ),
    ).toEqual({
      ok: true,
      grant: { accessToken: 'bce-v3/A/b', expiresAt: Date.parse('2026-12-01T00:00:00Z') },
    });
    expect(PROVIDERS.dingtalk.interpret(reply(200, { errcode: 0, access_token: 'x' }), creds, ctx())).toMatchObject({
      ok: false,
    });
  });
});
