import { z } from 'zod';
import type { ErrorMessageKey } from '../errors.ts';
import {
  grantFrom,
  interpretOAuthError,
  readLifetimeSeconds,
  type TokenProvider,
  unrecognisedResponse,
} from './provider.ts';

/** Baidu's tokens live 30 days; used only if a response ever omits `expires_in`. */
const BAIDU_DEFAULT_LIFETIME_S = 2_592_000;

/** Baidu's descriptions tell a wrong API Key from a wrong Secret Key; the user should know which. */
function refineBaiduError(error: string, description: string): ErrorMessageKey | undefined {
  if (error !== 'invalid_client') return undefined;
  const text = description.toLowerCase();
  if (text.includes('unknown client id')) return 'invalid_credentials_api_key';
  if (text.includes('client authentication failed')) return 'invalid_credentials_secret_key';
  return undefined;
}

/**
 * Baidu AI Cloud legacy OAuth (ERNIE v1, AI open platform). Credentials go in a form body, as
 * Baidu's own SDKs send them, so they stay out of URLs and proxy logs.
 */
export const baiduProvider: TokenProvider = {
  id: 'baidu',
  defaultTokenUrl: () => 'https://aip.baidubce.com/oauth/2.0/token',
  optionsSchema: z.object({}).strict(),
  usage: () => ({
    style: 'query',
    queryName: 'access_token',
    // ERNIE's chat endpoint: the request Baidu's own docs show first.
    example: {
      method: 'POST',
      url: 'https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions',
      json: { messages: [{ role: 'user', content: '你好' }] },
    },
  }),
  buildRequest({ apiKey, secretKey }, { tokenUrl }) {
    return {
      method: 'POST',
      url: tokenUrl,
      form: { grant_type: 'client_credentials', client_id: apiKey, client_secret: secretKey },
    };
  },
  interpret(response, { apiKey, secretKey }) {
    const body = response.json;
    if (body && 'access_token' in body) {
      return grantFrom(body.access_token, readLifetimeSeconds(body.expires_in) ?? BAIDU_DEFAULT_LIFETIME_S);
    }
    const error = interpretOAuthError(response, [apiKey, secretKey], refineBaiduError);
    return { ok: false, failure: error ?? unrecognisedResponse(response) };
  },
};
