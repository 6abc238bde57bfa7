import { z } from 'zod';
import {
  grantFrom,
  interpretCodedError,
  readLifetimeSeconds,
  type TokenProvider,
  unrecognisedResponse,
} from './provider.ts';

const optionsSchema = z
  .object({
    /** `new`: api.dingtalk.com v1.0 (default); `legacy`: oapi.dingtalk.com/gettoken. Their tokens differ. */
    api: z.enum(['new', 'legacy']).default('new'),
  })
  .strict();

const legacy = (options: Record<string, unknown>) => optionsSchema.parse(options).api === 'legacy';

const NEW_ERRORS = { invalidClientIdOrSecret: 'invalid_credentials' } as const;
const LEGACY_ERRORS = { '40089': 'invalid_credentials', '-1': 'server_error' } as const;

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
  interpret(response, { apiKey, secretKey }, { options }) {
    const body = response.json;
    const secrets = [apiKey, secretKey];
    if (legacy(options)) {
      if (body && body.errcode === 0 && 'access_token' in body) {
        return grantFrom(body.access_token, readLifetimeSeconds(body.expires_in));
      }
      if (body && body.errcode !== undefined) {
        return { ok: false, failure: interpretCodedError(response, body.errcode, body.errmsg, LEGACY_ERRORS, secrets) };
      }
      return { ok: false, failure: unrecognisedResponse(response) };
    }
    if (body && 'accessToken' in body) return grantFrom(body.accessToken, readLifetimeSeconds(body.expireIn));
    if (body && typeof body.code === 'string') {
      const throttled = /throttl|limit/i.test(body.code) ? { [body.code]: 'rate_limited' as const } : {};
      const table = { ...NEW_ERRORS, ...throttled };
      return { ok: false, failure: interpretCodedError(response, body.code, body.message, table, secrets) };
    }
    return { ok: false, failure: unrecognisedResponse(response) };
  },
};
