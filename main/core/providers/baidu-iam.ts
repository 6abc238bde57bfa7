import { bceTimestamp, signBceRequest } from './bce-signer.ts';
import type { ProviderDefinition } from './provider.ts';

/**
 * Baidu AI Cloud IAM bearer tokens (`bce-v3/...`) for the Qianfan v2 APIs, docs/providers.md §2:
 * a GET signed with BCE auth v1 from the account's Access Key / Secret Key. The query signed is
 * the query sent. Errors are matched on the code; messages carry request ids.
 */
export const baiduIamProvider: ProviderDefinition = {
  catalogue: {
    id: 'baidu-iam',
    credentials: { apiKey: 'Access Key ID', secretKey: 'Secret Access Key' },
    keysMayContainSpaces: false,
    // How long each bearer token lives; IAM allows up to 30 days.
    options: [{ name: 'expireInSeconds', kind: 'integer', min: 60, max: 2_592_000, default: 86_400 }],
    defaultTokenUrl: 'https://iam.bj.baidubce.com/v1/BCE-BEARER/token',
    usage: { style: 'bearer', name: 'Authorization' },
    // The v2 APIs (OpenAI-compatible chat/completions) take the bearer token.
    apiOrigins: ['https://qianfan.baidubce.com'],
    rejection: [{ statuses: [401] }],
    example: { method: 'GET', url: 'https://qianfan.baidubce.com/v2/models' },
    forceRefresh: false,
    refreshWindowMs: null,
    // The Qianfan Python SDK's OpenAI-compatible clients read the bearer token from this.
    sdkTokenEnv: ['QIANFAN_BEARER_TOKEN'],
  },
  buildRequest({ apiKey, secretKey }, { tokenUrl, options, now }) {
    const url = new URL(tokenUrl);
    url.searchParams.set('expireInSeconds', String(options.expireInSeconds));
    const authorization = signBceRequest(
      {
        method: 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { host: url.host },
        signedHeaders: ['host'],
      },
      { accessKey: apiKey, secretKey },
      now,
    );
    return { method: 'GET', url: url.toString(), headers: { authorization, 'x-bce-date': bceTimestamp(now) } };
  },
  answer: ({ options }) => ({
    // Expiry from expireTime; without a usable one, the lifetime we asked for is the best estimate.
    success: (body) =>
      'token' in body
        ? { token: body.token, expiresAt: Date.parse(String(body.expireTime ?? '')), lifetime: options.expireInSeconds }
        : undefined,
    error: (body) => (typeof body.code === 'string' ? { code: body.code, message: body.message } : undefined),
    errors: {
      InvalidAccessKeyId: ['invalid_credentials', 'invalid_credentials_access_key'],
      SignatureDoesNotMatch: ['invalid_credentials', 'invalid_credentials_signature'],
      AccessDenied: 'not_permitted',
      OptInRequired: 'not_permitted',
      RequestExpired: ['invalid_request', 'invalid_request_clock'],
      InvalidHTTPAuthHeader: 'invalid_request',
      InternalError: 'server_error',
    },
  }),
};
