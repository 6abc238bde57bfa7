import { z } from 'zod';
import {
  grantFrom,
  interpretOAuthError,
  readLifetimeSeconds,
  type TokenProvider,
  unrecognisedResponse,
} from './provider.ts';

const optionsSchema = z
  .object({
    /** RFC 6749 §2.3.1: HTTP Basic is the method every server must support. */
    auth: z.enum(['basic', 'post']).default('basic'),
    scope: z.string().trim().max(1000).optional(),
    /** Used when the server omits `expires_in`; without it the lifetime is unknown. */
    lifetimeSeconds: z.number().int().positive().max(31_536_000).optional(),
  })
  .strict();

/** application/x-www-form-urlencoded encoding, which §2.3.1 applies before Basic encoding. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** Generic OAuth 2.0 client credentials grant (RFC 6749 §4.4). */
export const oauth2Provider: TokenProvider = {
  id: 'oauth2',
  optionsSchema,
  keysMayContainSpaces: true,
  defaultTokenUrl: () => undefined,
  // The resource server is not known; the token server's origin is the best honest guess.
  usage: ({ tokenUrl }) => ({
    style: 'bearer',
    example: { method: 'GET', url: tokenUrl ? `${new URL(tokenUrl).origin}/` : 'https://api.example.com/' },
  }),
  buildRequest({ apiKey, secretKey }, { tokenUrl, options }) {
    const { auth, scope } = optionsSchema.parse(options);
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (scope) form.scope = scope;
    if (auth === 'post') {
      return { method: 'POST', url: tokenUrl, form: { ...form, client_id: apiKey, client_secret: secretKey } };
    }
    const basic = Buffer.from(`${formEncode(apiKey)}:${formEncode(secretKey)}`).toString('base64');
    return { method: 'POST', url: tokenUrl, headers: { authorization: `Basic ${basic}` }, form };
  },
  interpret(response, { apiKey, secretKey }, { options }) {
    const body = response.json;
    if (body && 'access_token' in body) {
      const fallback = optionsSchema.parse(options).lifetimeSeconds;
      return grantFrom(body.access_token, readLifetimeSeconds(body.expires_in) ?? fallback);
    }
    const error = interpretOAuthError(response, [apiKey, secretKey]);
    return { ok: false, failure: error ?? unrecognisedResponse(response) };
  },
};
