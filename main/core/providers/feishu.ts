import type { ProviderDefinition } from './provider.ts';

const HOSTS = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' };
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/** Feishu / Lark tenant_access_token for a custom (self-built) app, docs/providers.md §4. */
export const feishuProvider: ProviderDefinition = {
  catalogue: {
    id: 'feishu',
    credentials: { apiKey: 'App ID', secretKey: 'App Secret' },
    keysMayContainSpaces: false,
    // Feishu (China) or Lark (international): the same API on different hosts.
    options: [{ name: 'region', kind: 'choice', choices: ['feishu', 'lark'], default: 'feishu' }],
    defaultTokenUrl: {
      option: 'region',
      values: { feishu: `${HOSTS.feishu}${TOKEN_PATH}`, lark: `${HOSTS.lark}${TOKEN_PATH}` },
    },
    usage: { style: 'bearer', name: 'Authorization' },
    apiOrigins: {
      option: 'region',
      values: { feishu: ['https://open.feishu.cn'], lark: ['https://open.larksuite.com'] },
    },
    // 99991663 / 99991664 invalid or expired tenant token, 99991671 malformed: in the body, with
    // HTTP 400 or 401 depending on the API.
    rejection: [{ field: 'code', codes: [99991663, 99991664, 99991671] }],
    example: { method: 'GET', url: '{tokenOrigin}/open-apis/im/v1/chats?page_size=1' },
    forceRefresh: false,
    // With 30 minutes or more left Feishu returns the same token: refresh inside the last 30.
    refreshWindowMs: 25 * 60_000,
  },
  buildRequest({ apiKey, secretKey }, { tokenUrl }) {
    return { method: 'POST', url: tokenUrl, json: { app_id: apiKey, app_secret: secretKey } };
  },
  answer: () => ({
    // `expire` is the remaining lifetime, not the total: it is the expiry either way.
    success: (body) =>
      body.code === 0 && 'tenant_access_token' in body
        ? { token: body.tenant_access_token, lifetime: body.expire }
        : undefined,
    error: (body) => (body.code !== undefined && body.code !== 0 ? { code: body.code, message: body.msg } : undefined),
    errors: {
      '10003': ['invalid_credentials', 'invalid_credentials_app'],
      '10014': ['invalid_credentials', 'invalid_credentials_app_secret'],
    },
  }),
};
