import { z } from 'zod';
import { type AnswerShape, interpretAnswer, type TokenProvider } from './provider.ts';

const optionsSchema = z
  .object({
    /** `new`: api.dingtalk.com v1.0 (default); `legacy`: oapi.dingtalk.com/gettoken. Their tokens differ. */
    api: z.enum(['new', 'legacy']).default('new'),
  })
  .strict();

const legacy = (options: Record<string, unknown>) => optionsSchema.parse(options).api === 'legacy';

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
 * DingTalk app access tokens. Both endpoints hand back the same token while it is valid and
 * extend it, so refreshing early is harmless, but frequent calls get throttled.
 */
export const dingtalkProvider: TokenProvider = {
  id: 'dingtalk',
  optionsSchema,
  defaultTokenUrl: (options) =>
    legacy(options) ? 'https://oapi.dingtalk.com/gettoken' : 'https://api.dingtalk.com/v1.0/oauth2/accessToken',
  usage: ({ tokenUrl, options = {} }) => {
    const isLegacy = legacy(options) || (tokenUrl?.includes('/gettoken') ?? false);
    return isLegacy
      ? {
          style: 'query',
          queryName: 'access_token',
          example: { method: 'POST', url: 'https://oapi.dingtalk.com/topapi/v2/department/listsub', json: {} },
        }
      : {
          style: 'header',
          headerName: 'x-acs-dingtalk-access-token',
          example: { method: 'GET', url: 'https://api.dingtalk.com/v1.0/contact/users/me' },
        };
  },
  buildRequest({ apiKey, secretKey }, { tokenUrl, options }) {
    if (legacy(options)) {
      const url = new URL(tokenUrl);
      url.searchParams.set('appkey', apiKey);
      url.searchParams.set('appsecret', secretKey);
      return { method: 'GET', url: url.toString() };
    }
    return { method: 'POST', url: tokenUrl, json: { appKey: apiKey, appSecret: secretKey } };
  },
  interpret: (response, credentials, { options }) =>
    interpretAnswer(response, credentials, legacy(options) ? LEGACY_API : NEW_API),
};
