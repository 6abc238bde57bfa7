import { oauthAnswer } from './answer.ts';
import type { ProviderDefinition } from './provider.ts';

/** application/x-www-form-urlencoded encoding, which §2.3.1 applies before Basic encoding. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** Generic OAuth 2.0 client credentials grant (RFC 6749 §4.4), docs/providers.md §6. */
export const oauth2Provider: ProviderDefinition = {
  catalogue: {
    id: 'oauth2',
    credentials: { apiKey: 'Client ID', secretKey: 'Client Secret' },
    keysMayContainSpaces: true,
    options: [
      // RFC 6749 §2.3.1: HTTP Basic is the method every server must support.
      { name: 'auth', kind: 'choice', choices: ['basic', 'post'], default: 'basic' },
      { name: 'scope', kind: 'text', maxLength: 1000 },
      // Used when the server omits `expires_in`; without it the lifetime is unknown.
      { name: 'lifetimeSeconds', kind: 'integer', min: 1, max: 31_536_000, advanced: true },
    ],
    defaultTokenUrl: null,
    usage: { style: 'bearer', name: 'Authorization' },
    // Every client's APIs are its own: the profile names them (the gateway is off until it does).
    apiOrigins: [],
    // RFC 6750 §3.1.
    rejection: [{ statuses: [401], invalidTokenChallenge: true }],
    // The resource server is not known; the token server's origin is the best honest guess.
    example: { method: 'GET', url: '{tokenOrigin}/' },
    forceRefresh: false,
    refreshWindowMs: null,
  },
  buildRequest({ apiKey, secretKey }, { tokenUrl, options }) {
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (typeof options.scope === 'string' && options.scope !== '') form.scope = options.scope;
    if (options.auth === 'post') {
      return { method: 'POST', url: tokenUrl, form: { ...form, client_id: apiKey, client_secret: secretKey } };
    }
    const basic = Buffer.from(`${formEncode(apiKey)}:${formEncode(secretKey)}`).toString('base64');
    return { method: 'POST', url: tokenUrl, headers: { authorization: `Basic ${basic}` }, form };
  },
  answer: ({ options }) =>
    oauthAnswer(
      typeof options.lifetimeSeconds === 'number' ? { fallbackLifetimeSeconds: options.lifetimeSeconds } : {},
    ),
};
