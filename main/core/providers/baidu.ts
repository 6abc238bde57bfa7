import { oauthAnswer } from './answer.ts';
import type { ProviderDefinition } from './provider.ts';

/** Baidu's tokens live 30 days; used only if a response ever omits `expires_in`. */
const BAIDU_DEFAULT_LIFETIME_S = 2_592_000;

/**
 * Baidu AI Cloud legacy OAuth (ERNIE v1, AI open platform), docs/providers.md §1. Credentials go
 * in a form body, as Baidu's own SDKs send them, so they stay out of URLs and proxy logs.
 */
export const baiduProvider: ProviderDefinition = {
  catalogue: {
    id: 'baidu',
    credentials: { apiKey: 'API Key', secretKey: 'Secret Key' },
    keysMayContainSpaces: false,
    options: [],
    defaultTokenUrl: 'https://aip.baidubce.com/oauth/2.0/token',
    usage: { style: 'query', name: 'access_token' },
    apiOrigins: ['https://aip.baidubce.com'],
    // 110 access token invalid, 111 access token expired: in an HTTP 200 JSON body.
    rejection: [{ field: 'error_code', codes: [110, 111] }],
    // ERNIE's chat endpoint: the request Baidu's own docs show first.
    example: {
      method: 'POST',
      url: 'https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions',
      json: { messages: [{ role: 'user', content: '你好' }] },
    },
    forceRefresh: false,
    refreshWindowMs: null,
    // The Qianfan Python SDK's `Env.AccessToken` (qianfan/consts.py).
    sdkTokenEnv: ['QIANFAN_ACCESS_TOKEN'],
  },
  buildRequest({ apiKey, secretKey }, { tokenUrl }) {
    return {
      method: 'POST',
      url: tokenUrl,
      form: { grant_type: 'client_credentials', client_id: apiKey, client_secret: secretKey },
    };
  },
  answer: () =>
    oauthAnswer({
      fallbackLifetimeSeconds: BAIDU_DEFAULT_LIFETIME_S,
      // Baidu's descriptions tell a wrong API Key from a wrong Secret Key; the user should know which.
      messageKey(body) {
        if (body.error !== 'invalid_client') return undefined;
        const text = String(body.error_description ?? '').toLowerCase();
        if (text.includes('unknown client id')) return 'invalid_credentials_api_key';
        if (text.includes('client authentication failed')) return 'invalid_credentials_secret_key';
        return undefined;
      },
    }),
};
