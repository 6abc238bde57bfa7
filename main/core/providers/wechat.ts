import { isIP } from 'node:net';
import { z } from 'zod';
import { interpretAnswer, type TokenProvider } from './provider.ts';

const optionsSchema = z
  .object({
    /**
     * `stable` (default): stable_token, which never disturbs other holders of the token.
     * `classic`: cgi-bin/token, where every call revokes the previous token, including the one the
     * user's own servers use. Offered only as an explicit choice, with that warning.
     */
    endpoint: z.enum(['stable', 'classic']).default('stable'),
  })
  .strict();

const BASE = 'https://api.weixin.qq.com/cgi-bin';

/** WeChat errcodes (PROVIDERS.md §3), matched on the code only: errmsg carries a trace id. */
const ERRORS = {
  '40001': ['invalid_credentials', 'invalid_credentials_appsecret'],
  '40125': ['invalid_credentials', 'invalid_credentials_appsecret'],
  '40013': ['invalid_credentials', 'invalid_credentials_appid'],
  '40164': ['not_permitted', 'not_permitted_ip'],
  '89501': ['not_permitted', 'not_permitted_ip_confirm'],
  '89503': ['not_permitted', 'not_permitted_ip_confirm'],
  '89506': ['not_permitted', 'not_permitted_ip_confirm'],
  '89507': ['not_permitted', 'not_permitted_ip_confirm'],
  '40243': ['not_permitted', 'not_permitted_secret_frozen'],
  '40002': 'invalid_request',
  '41002': 'invalid_request',
  '41004': 'invalid_request',
  '45009': 'rate_limited',
  '45011': 'rate_limited',
  '-1': 'server_error',
} as const;

/**
 * The caller's IP, when WeChat names it ("invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist").
 * Only a real address counts: a server that echoes something else there (a hex AppSecret looks
 * like the characters of an IPv6 address) must not have it shown as "the IP to whitelist".
 */
export function ipFromMessage(message: unknown): string | undefined {
  const match = /invalid ip ([0-9a-fA-F.:]+)/i.exec(String(message ?? ''));
  const candidate = match?.[1]?.replace(/[.:]+$/, '');
  return candidate && isIP(candidate) !== 0 ? candidate : undefined;
}

/** WeChat Official Account / Mini Program access_token. */
export const wechatProvider: TokenProvider = {
  id: 'wechat',
  optionsSchema,
  defaultTokenUrl: (options) =>
    optionsSchema.parse(options).endpoint === 'classic' ? `${BASE}/token` : `${BASE}/stable_token`,
  // stable_token hands back the same token until 5 minutes before expiry: refresh inside that.
  refreshWindowMs: (options) => (optionsSchema.parse(options).endpoint === 'stable' ? 4 * 60_000 : undefined),
  supportsForceRefresh: (options) => optionsSchema.parse(options).endpoint === 'stable',
  usage: () => ({
    style: 'query',
    queryName: 'access_token',
    example: { method: 'GET', url: `${BASE}/get_api_domain_ip` },
  }),
  buildRequest({ apiKey, secretKey }, { tokenUrl, options, force }) {
    if (optionsSchema.parse(options).endpoint === 'classic') {
      // The classic endpoint only takes query parameters; there is no way to keep them out of the URL.
      const url = new URL(tokenUrl);
      url.searchParams.set('grant_type', 'client_credential');
      url.searchParams.set('appid', apiKey);
      url.searchParams.set('secret', secretKey);
      return { method: 'GET', url: url.toString() };
    }
    return {
      method: 'POST',
      url: tokenUrl,
      json: { grant_type: 'client_credential', appid: apiKey, secret: secretKey, force_refresh: force === true },
    };
  },
  interpret: (response, credentials) =>
    interpretAnswer(response, credentials, {
      success: (body) => ('access_token' in body ? { token: body.access_token, lifetime: body.expires_in } : undefined),
      error: (body) =>
        body.errcode !== undefined && body.errcode !== 0 ? { code: body.errcode, message: body.errmsg } : undefined,
      // Without the IP in the message, the general "not permitted" text (which names the whitelist) is right.
      errors: (body) => (ipFromMessage(body.errmsg) ? ERRORS : { ...ERRORS, '40164': 'not_permitted' }),
      params: (body) => {
        const ip = ipFromMessage(body.errmsg);
        return ip ? { ip } : undefined;
      },
    }),
};
