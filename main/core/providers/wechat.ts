import { isIP } from 'node:net';
import type { ErrorTable } from './answer.ts';
import type { ProviderDefinition } from './provider.ts';

const BASE = 'https://api.weixin.qq.com/cgi-bin';

/** WeChat errcodes (docs/providers.md §3), matched on the code only: errmsg carries a trace id. */
const ERRORS: ErrorTable = {
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
};

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

/**
 * WeChat Official Account / Mini Program access_token, docs/providers.md §3. `stable` (default)
 * uses stable_token, which never disturbs other holders of the token; `classic` uses
 * cgi-bin/token, where every call revokes the previous token, including the one the user's own
 * servers use: offered only as an explicit choice, with that warning.
 */
export const wechatProvider: ProviderDefinition = {
  catalogue: {
    id: 'wechat',
    credentials: { apiKey: 'AppID', secretKey: 'AppSecret' },
    keysMayContainSpaces: false,
    options: [
      { name: 'endpoint', kind: 'choice', choices: ['stable', 'classic'], default: 'stable', warnOn: ['classic'] },
    ],
    defaultTokenUrl: { option: 'endpoint', values: { stable: `${BASE}/stable_token`, classic: `${BASE}/token` } },
    usage: { style: 'query', name: 'access_token' },
    // The main domain and WeChat's regional and disaster-recovery domains.
    apiOrigins: [
      'https://api.weixin.qq.com',
      'https://api2.weixin.qq.com',
      'https://sh.api.weixin.qq.com',
      'https://sz.api.weixin.qq.com',
      'https://hk.api.weixin.qq.com',
    ],
    // 40001 invalid credential, 40014 invalid access_token, 42001 access_token expired.
    rejection: [{ field: 'errcode', codes: [40001, 40014, 42001] }],
    example: { method: 'GET', url: `${BASE}/get_api_domain_ip` },
    forceRefresh: { option: 'endpoint', values: { stable: true, classic: false } },
    // stable_token hands back the same token until 5 minutes before expiry: refresh inside that.
    refreshWindowMs: { option: 'endpoint', values: { stable: 4 * 60_000, classic: null } },
    // Every classic call revokes the token everyone else holds; stable_token never does (unless forced).
    revokesOthers: { option: 'endpoint', values: { stable: false, classic: true } },
  },
  buildRequest({ apiKey, secretKey }, { tokenUrl, options, force }) {
    if (options.endpoint === 'classic') {
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
  answer: () => ({
    success: (body) => ('access_token' in body ? { token: body.access_token, lifetime: body.expires_in } : undefined),
    error: (body) =>
      body.errcode !== undefined && body.errcode !== 0 ? { code: body.errcode, message: body.errmsg } : undefined,
    errors: ERRORS,
    // Without the IP in the message, the general "not permitted" text (which names the whitelist) is right.
    messageKey: (body) => (body.errcode === 40164 && !ipFromMessage(body.errmsg) ? 'not_permitted' : undefined),
    params: (body) => {
      const ip = ipFromMessage(body.errmsg);
      return ip ? { ip } : undefined;
    },
  }),
};
