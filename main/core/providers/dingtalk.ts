import type { AnswerShape } from './answer.ts';
import type { ProviderDefinition } from './provider.ts';

/** v1.0: `{accessToken, expireIn}`, errors as 4xx `{code: "invalidClientIdOrSecret", message}`. */
const NEW_API: AnswerShape = {
  success: (body) => ('accessToken' in body ? { token: body.accessToken, lifetime: body.expireIn } : undefined),
  error: (body) => (typeof body.code === 'string' ? { code: body.code, message: body.message } : undefined),
  errors: (body) => ({
    invalidClientIdOrSecret: 'invalid_credentials',
    // Throttling codes vary (Throttling.Api, ...); all mean "slow down".
    ...(/throttl|limit/i.test(String(body.code)) ? { [String(body.code)]: 'rate_limited' as const } : {}),
  }),
};

/** gettoken: HTTP 200 with `errcode` (0 = success). */
const LEGACY_API: AnswerShape = {
  success: (body) =>
    body.errcode === 0 && 'access_token' in body ? { token: body.access_token, lifetime: body.expires_in } : undefined,
  error: (body) => (body.errcode !== undefined ? { code: body.errcode, message: body.errmsg } : undefined),
  errors: { '40089': 'invalid_credentials', '-1': 'server_error' },
};

/**
 * DingTalk app access tokens, docs/providers.md §5. Both endpoints hand back the same token while
 * it is valid and extend it, so refreshing early is harmless, but frequent calls get throttled.
 * `new` is api.dingtalk.com v1.0; `legacy` is oapi.dingtalk.com/gettoken. Their tokens differ.
 */
export const dingtalkProvider: ProviderDefinition = {
  catalogue: {
    id: 'dingtalk',
    credentials: { apiKey: 'Client ID (AppKey)', secretKey: 'Client Secret (AppSecret)' },
    keysMayContainSpaces: false,
    options: [{ name: 'api', kind: 'choice', choices: ['new', 'legacy'], default: 'new' }],
    defaultTokenUrl: {
      option: 'api',
      values: {
        new: 'https://api.dingtalk.com/v1.0/oauth2/accessToken',
        legacy: 'https://oapi.dingtalk.com/gettoken',
      },
    },
    usage: {
      option: 'api',
      values: {
        new: { style: 'header', name: 'x-acs-dingtalk-access-token' },
        legacy: { style: 'query', name: 'access_token' },
      },
    },
    apiOrigins: { option: 'api', values: { new: ['https://api.dingtalk.com'], legacy: ['https://oapi.dingtalk.com'] } },
    rejection: {
      option: 'api',
      // The new API answers 401; the old one errcode 40014 (invalid access_token) in an HTTP 200 body.
      values: { new: [{ statuses: [401] }], legacy: [{ field: 'errcode', codes: [40014, 42001] }] },
    },
    example: {
      option: 'api',
      values: {
        new: { method: 'GET', url: 'https://api.dingtalk.com/v1.0/contact/users/me' },
        legacy: { method: 'POST', url: 'https://oapi.dingtalk.com/topapi/v2/department/listsub', json: {} },
      },
    },
    forceRefresh: false,
    refreshWindowMs: null,
  },
  buildRequest({ apiKey, secretKey }, { tokenUrl, options }) {
    if (options.api === 'legacy') {
      const url = new URL(tokenUrl);
      url.searchParams.set('appkey', apiKey);
      url.searchParams.set('appsecret', secretKey);
      return { method: 'GET', url: url.toString() };
    }
    return { method: 'POST', url: tokenUrl, json: { appKey: apiKey, appSecret: secretKey } };
  },
  answer: ({ options }) => (options.api === 'legacy' ? LEGACY_API : NEW_API),
};
