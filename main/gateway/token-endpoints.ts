import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderId } from '../core/index.ts';
import { bceTimestamp, signBceRequest } from '../core/providers/bce-signer.ts';

/**
 * The providers' own token endpoints, answered by the gateway (the 中控 mode): an SDK whose only
 * change is its API host asks the gateway for a token as it would ask the provider, presenting
 * its gateway client key where the real secret would go, and gets the profile's current shared
 * token in the provider's own answer shape. The real secret never leaves TokenTray, and no SDK
 * refreshes (or revokes) on its own again.
 */

/**
 * What an SDK sent: the app id, and either the secret in its provider's place or, for a provider
 * whose token request is signed, a check that the request was signed with a given key.
 */
export interface PresentedCredentials {
  appId: string | undefined;
  secret?: string | undefined;
  signedWith?: (key: string) => boolean;
}

/** The token request as it arrived: method, path on the upstream (not encoded), the time now. */
export interface TokenRequest {
  method: string;
  path: string;
  now: number;
}

export interface Emulated {
  read(query: URLSearchParams, body: string, headers: IncomingHttpHeaders, request: TokenRequest): PresentedCredentials;
  /** The provider's success answer at `path`: the token and its remaining lifetime in seconds. */
  ok(token: string, expiresIn: number, path: string, now: number): { status: number; body: unknown };
  /** The provider's answer to an unknown app id or a wrong secret at `path`. */
  refused(which: 'app' | 'secret', path: string): { status: number; body: unknown };
}

const parseJson = (body: string): Record<string, unknown> => {
  try {
    const value = JSON.parse(body) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
/** A form body or the query (Baidu takes either). */
const formOrQuery = (query: URLSearchParams, body: string) => {
  const form = new URLSearchParams(body);
  return (name: string) => form.get(name) ?? query.get(name) ?? undefined;
};

const oauthRefused = (which: 'app' | 'secret') => ({
  status: 401,
  body: {
    error: 'invalid_client',
    error_description: which === 'app' ? 'unknown client id' : 'Client authentication failed',
  },
});

const wechat: Emulated = {
  read: (query, body) => {
    const json = parseJson(body);
    return {
      appId: str(json.appid) ?? query.get('appid') ?? undefined,
      secret: str(json.secret) ?? query.get('secret') ?? undefined,
    };
  },
  ok: (token, expiresIn) => ({ status: 200, body: { access_token: token, expires_in: expiresIn } }),
  refused: (which) => ({
    status: 200,
    body:
      which === 'app' ? { errcode: 40013, errmsg: 'invalid appid' } : { errcode: 40125, errmsg: 'invalid appsecret' },
  }),
};

/** How far a signature's timestamp may be ahead of this clock (BCE refuses a skewed request too). */
const BCE_SKEW_MS = 15 * 60_000;

/**
 * Baidu IAM's bearer-token request is signed with the Access Key / Secret Key (BCE auth v1): an
 * SDK pointed here signs it with its gateway client key as the Secret Key, and this recomputes the
 * signature over what arrived (method, path, query, the headers it says it signed) with each key.
 */
const baiduIam: Emulated = {
  read: (query, _body, headers, request) => {
    const parts = /^bce-auth-v1\/([^/]+)\/([^/]+)\/(\d+)\/([^/]*)\/([0-9a-f]{64})$/.exec(
      String(headers.authorization ?? ''),
    );
    if (!parts) return { appId: undefined };
    const [, accessKey = '', stamp = '', expiration = '', signed = '', signature = ''] = parts;
    const at = Date.parse(stamp);
    const fresh =
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(stamp) &&
      at - BCE_SKEW_MS <= request.now &&
      request.now <= at + Number(expiration) * 1000;
    const signedHeaders = signed === '' ? [] : signed.split(';');
    const flat: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = headers[name];
      if (typeof value === 'string') flat[name] = value;
    }
    return {
      appId: accessKey,
      signedWith: (key) => {
        if (!fresh) return false;
        const expected = signBceRequest(
          {
            method: request.method,
            path: request.path,
            query: Object.fromEntries(query),
            headers: flat,
            signedHeaders,
          },
          { accessKey, secretKey: key },
          at,
          Number(expiration),
        );
        const theirs = Buffer.from(signature);
        const ours = Buffer.from(expected.slice(-64));
        return expected.startsWith(`bce-auth-v1/${accessKey}/${stamp}/`) && timingSafeEqual(theirs, ours);
      },
    };
  },
  ok: (token, expiresIn, _path, now) => ({
    status: 200,
    body: {
      userId: '',
      token,
      status: 'enable',
      createTime: bceTimestamp(now),
      expireTime: bceTimestamp(now + expiresIn * 1000),
    },
  }),
  refused: (which) =>
    which === 'app'
      ? { status: 403, body: { requestId: '', code: 'InvalidAccessKeyId', message: 'The access key ID is invalid.' } }
      : {
          status: 400,
          body: { requestId: '', code: 'SignatureDoesNotMatch', message: 'The request signature does not match.' },
        },
};

/** Per provider, the token endpoint paths answered besides the profile's own, and how. */
const EMULATED: Partial<Record<ProviderId, { also: string[]; emulated: Emulated }>> = {
  baidu: {
    also: ['/oauth/2.0/token'],
    emulated: {
      read: (query, body) => {
        const get = formOrQuery(query, body);
        return { appId: get('client_id'), secret: get('client_secret') };
      },
      ok: (token, expiresIn) => ({
        status: 200,
        body: { access_token: token, expires_in: expiresIn, scope: '', session_key: '', session_secret: '' },
      }),
      refused: oauthRefused,
    },
  },
  // Both endpoints hand out the same kind of token; neither answer ever revokes anything.
  wechat: { also: ['/cgi-bin/token', '/cgi-bin/stable_token'], emulated: wechat },
  'baidu-iam': { also: [], emulated: baiduIam },
  // A self-built app's app_access_token/internal answers both tokens, and for such an app they are
  // one kind (`t-…`): both fields carry the profile's tenant token.
  feishu: {
    also: ['/open-apis/auth/v3/tenant_access_token/internal', '/open-apis/auth/v3/app_access_token/internal'],
    emulated: {
      read: (_query, body) => {
        const json = parseJson(body);
        return { appId: str(json.app_id), secret: str(json.app_secret) };
      },
      ok: (token, expiresIn, path) => ({
        status: 200,
        body: {
          code: 0,
          msg: 'ok',
          ...(path.includes('/app_access_token/') ? { app_access_token: token } : {}),
          tenant_access_token: token,
          expire: expiresIn,
        },
      }),
      refused: (which) => ({
        status: 200,
        body: which === 'app' ? { code: 10003, msg: 'invalid param' } : { code: 10014, msg: 'app secret invalid' },
      }),
    },
  },
  // The old and the new API's tokens are not interchangeable: only the profile's own endpoint.
  dingtalk: {
    also: [],
    emulated: {
      read: (query, body) => {
        const json = parseJson(body);
        return {
          appId: str(json.appKey) ?? query.get('appkey') ?? undefined,
          secret: str(json.appSecret) ?? query.get('appsecret') ?? undefined,
        };
      },
      ok: (token, expiresIn, path) => ({
        status: 200,
        body:
          path === '/gettoken'
            ? { errcode: 0, errmsg: 'ok', access_token: token, expires_in: expiresIn }
            : { accessToken: token, expireIn: expiresIn },
      }),
      refused: (_which, path) =>
        path === '/gettoken'
          ? { status: 200, body: { errcode: 40089, errmsg: 'invalid appkey or appsecret' } }
          : { status: 400, body: { code: 'invalidClientIdOrSecret', message: 'invalid clientId or clientSecret' } },
    },
  },
  oauth2: {
    also: [],
    emulated: {
      // Credentials in a Basic header or the form body, never the query (RFC 6749 §2.3.1).
      read: (_query, body, headers) => {
        const get = formOrQuery(new URLSearchParams(), body);
        const basic = /^Basic (.+)$/i.exec(String(headers.authorization ?? ''))?.[1];
        if (basic) {
          const [id, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
          const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
          return { appId: decode(id ?? ''), secret: decode(rest.join(':')) };
        }
        return { appId: get('client_id'), secret: get('client_secret') };
      },
      ok: (token, expiresIn) => ({
        status: 200,
        body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn },
      }),
      refused: oauthRefused,
    },
  },
};

/**
 * The emulation for a request on a profile's gateway path, if the path is one of its provider's
 * token endpoints (the profile's own token URL's path, or the provider's other one of the same kind).
 */
export function emulatedTokenEndpoint(provider: ProviderId, tokenEndpoint: string, path: string): Emulated | undefined {
  const known = EMULATED[provider];
  if (!known) return undefined;
  const own = URL.canParse(tokenEndpoint) ? new URL(tokenEndpoint).pathname : undefined;
  return path === own || known.also.includes(path) ? known.emulated : undefined;
}
