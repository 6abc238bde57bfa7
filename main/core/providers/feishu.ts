import { z } from 'zod';
import { interpretAnswer, type TokenProvider } from './provider.ts';

const optionsSchema = z
  .object({
    /** Feishu (China) or Lark (international): the same API on different hosts. */
    region: z.enum(['feishu', 'lark']).default('feishu'),
  })
  .strict();

const hostOf = (options: Record<string, unknown>) =>
  optionsSchema.parse(options).region === 'lark' ? 'https://open.larksuite.com' : 'https://open.feishu.cn';

/** Feishu / Lark tenant_access_token for a custom (self-built) app. */
export const feishuProvider: TokenProvider = {
  id: 'feishu',
  optionsSchema,
  defaultTokenUrl: (options) => `${hostOf(options)}/open-apis/auth/v3/tenant_access_token/internal`,
  // With 30 minutes or more left Feishu returns the same token: refresh inside the last 30.
  refreshWindowMs: () => 25 * 60_000,
  usage: ({ tokenUrl, options = {} }) => ({
    style: 'bearer',
    example: {
      method: 'GET',
      url: `${tokenUrl ? new URL(tokenUrl).origin : hostOf(options)}/open-apis/im/v1/chats?page_size=1`,
    },
  }),
  buildRequest({ apiKey, secretKey }, { tokenUrl }) {
    return { method: 'POST', url: tokenUrl, json: { app_id: apiKey, app_secret: secretKey } };
  },
  interpret: (response, credentials) =>
    interpretAnswer(response, credentials, {
      // `expire` is the remaining lifetime, not the total: it is the expiry either way.
      success: (body) =>
        body.code === 0 && 'tenant_access_token' in body
          ? { token: body.tenant_access_token, lifetime: body.expire }
          : undefined,
      error: (body) =>
        body.code !== undefined && body.code !== 0 ? { code: body.code, message: body.msg } : undefined,
      errors: {
        '10003': ['invalid_credentials', 'invalid_credentials_app'],
        '10014': ['invalid_credentials', 'invalid_credentials_app_secret'],
      },
    }),
};
