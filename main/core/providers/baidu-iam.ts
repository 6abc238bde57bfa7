import { z } from 'zod';
import { bceTimestamp, signBceRequest } from './bce-signer.ts';
import { interpretAnswer, type TokenProvider } from './provider.ts';

const optionsSchema = z
  .object({
    /** How long each bearer token lives; IAM allows up to 30 days. */
    expireInSeconds: z.number().int().min(60).max(2_592_000).default(86_400),
  })
  .strict();

/** IAM error codes (PROVIDERS.md §2). Matched on the code; messages carry request ids. */
const ERRORS = {
  InvalidAccessKeyId: ['invalid_credentials', 'invalid_credentials_access_key'],
  SignatureDoesNotMatch: ['invalid_credentials', 'invalid_credentials_signature'],
  AccessDenied: 'not_permitted',
  OptInRequired: 'not_permitted',
  RequestExpired: ['invalid_request', 'invalid_request_clock'],
  InvalidHTTPAuthHeader: 'invalid_request',
  InternalError: 'server_error',
} as const;

/**
 * Baidu AI Cloud IAM bearer tokens (`bce-v3/...`) for the Qianfan v2 APIs: a GET signed with
 * BCE auth v1 from the account's Access Key / Secret Key. The query signed is the query sent.
 */
export const baiduIamProvider: TokenProvider = {
  id: 'baidu-iam',
  optionsSchema,
  defaultTokenUrl: () => 'https://iam.bj.baidubce.com/v1/BCE-BEARER/token',
  usage: () => ({
    style: 'bearer',
    example: { method: 'GET', url: 'https://qianfan.baidubce.com/v2/models' },
  }),
  buildRequest({ apiKey, secretKey }, { tokenUrl, options, now }) {
    const { expireInSeconds } = optionsSchema.parse(options);
    const url = new URL(tokenUrl);
    url.searchParams.set('expireInSeconds', String(expireInSeconds));
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
  interpret: (response, credentials, { options }) =>
    interpretAnswer(response, credentials, {
      // Expiry from expireTime; without a usable one, the lifetime we asked for is the best estimate.
      success: (body) =>
        'token' in body
          ? {
              token: body.token,
              expiresAt: Date.parse(String(body.expireTime ?? '')),
              lifetime: optionsSchema.parse(options).expireInSeconds,
            }
          : undefined,
      error: (body) => (typeof body.code === 'string' ? { code: body.code, message: body.message } : undefined),
      errors: ERRORS,
    }),
};
