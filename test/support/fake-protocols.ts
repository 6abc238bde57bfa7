import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { signBceRequest } from '../../main/core/providers/bce-signer.ts';

/** One request as the protocols see it. */
export interface Exchange {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** Form fields, or the query when the body is not a form (Baidu accepts both). */
  params: Record<string, string>;
  /** The body parsed as JSON when it was sent as JSON. */
  json: Record<string, unknown> | undefined;
  contentType: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ProtocolOptions {
  clients: Record<string, string>;
  now: () => number;
  baiduLifetimeSeconds?: number;
  baiduSecretErrorStatus?: number;
  oauthLifetimeSeconds?: number;
  oauthOmitExpiresIn?: boolean;
  /** Issue signed JWTs (HS256) carrying `exp`, `iat`, `iss`, `aud` and `scope`, as identity servers do. */
  oauthJwt?: boolean;
  /** Lifetime of WeChat, Feishu and DingTalk tokens (their real one is 7200 s). */
  shortLifetimeSeconds?: number;
  /** How far the IAM server's clock is from ours, to provoke RequestExpired. */
  iamClockSkewMs?: number;
}

interface Held {
  token: string;
  expiresAt: number;
}

/**
 * The tokens the fake has handed out, per protocol and client, with the re-fetch semantics of
 * each provider: some return the held token, some issue a new one, some revoke the old one.
 */
export class TokenLedger {
  readonly issued: string[] = [];
  readonly revoked = new Set<string>();
  private held = new Map<string, Held>();
  private readonly now: () => number;
  constructor(now: () => number) {
    this.now = now;
  }

  current(key: string): Held | undefined {
    const held = this.held.get(key);
    return held && held.expiresAt > this.now() ? held : undefined;
  }

  issue(key: string, token: string, lifetimeSeconds: number, revokePrevious = false): Held {
    const previous = this.held.get(key);
    if (revokePrevious && previous) this.revoked.add(previous.token);
    const held = { token, expiresAt: this.now() + lifetimeSeconds * 1000 };
    this.held.set(key, held);
    this.issued.push(token);
    return held;
  }

  extend(key: string, lifetimeSeconds: number): Held | undefined {
    const held = this.current(key);
    if (held) held.expiresAt = this.now() + lifetimeSeconds * 1000;
    return held;
  }
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});
const isJson = (x: Exchange) => x.contentType.startsWith('application/json');
const isForm = (x: Exchange) => x.contentType.startsWith('application/x-www-form-urlencoded');
const rid = () => `rid: ${hex(4)}-${hex(4)}-${hex(4)}`;

export function createProtocols(options: ProtocolOptions, ledger: TokenLedger) {
  const { clients, now } = options;
  const short = options.shortLifetimeSeconds ?? 7200;
  const secretOf = (id: unknown) => (typeof id === 'string' ? clients[id] : undefined);

  /** Baidu legacy OAuth: query or form parameters, `{error, error_description}` failures. */
  function baidu(x: Exchange): Reply {
    const p = x.params;
    if (p.grant_type !== 'client_credentials') {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported',
      });
    }
    const secret = secretOf(p.client_id);
    if (secret === undefined) return json(401, { error: 'invalid_client', error_description: 'unknown client id' });
    if (p.client_secret !== secret) {
      return json(options.baiduSecretErrorStatus ?? 401, {
        error: 'invalid_client',
        error_description: 'Client authentication failed',
      });
    }
    const lifetime = options.baiduLifetimeSeconds ?? 2_592_000;
    const expiry = Math.floor(now() / 1000) + lifetime;
    // A new token each time; earlier ones stay valid.
    const { token } = ledger.issue(
      `baidu:${p.client_id}`,
      `24.${hex(16)}.${lifetime}.${expiry}.${Math.floor(Math.random() * 1e6)}-1234567`,
      lifetime,
    );
    return json(200, {
      refresh_token: `25.${hex(16)}`,
      expires_in: lifetime,
      session_key: hex(8),
      access_token: token,
      scope: 'public brain_all_scope',
      session_secret: hex(8),
    });
  }

  /** A signed JWT whose `exp` is the token's real expiry (seconds, as RFC 7519's NumericDate). */
  function jwt(client: string, scope: string | undefined, lifetime: number): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const iat = Math.floor(now() / 1000);
    const body = `${part({ alg: 'HS256', typ: 'JWT', kid: 'fake-1' })}.${part({
      iss: 'https://fake-idp.test',
      sub: client,
      aud: 'api://orders',
      scope: scope ?? 'orders.read',
      iat,
      exp: iat + lifetime,
      jti: randomBytes(6).toString('hex'),
    })}`;
    return `${body}.${createHmac('sha256', 'fake-signing-key').update(body).digest('base64url')}`;
  }

  /** RFC 6749 §4.4 with client_secret_basic or client_secret_post, never both. */
  function oauth2(x: Exchange): Reply {
    if (x.method !== 'POST') return json(405, { error: 'invalid_request' });
    const basic = parseBasic(x.headers.authorization);
    const posted = x.params.client_id !== undefined || x.params.client_secret !== undefined;
    if (basic && posted)
      return json(400, { error: 'invalid_request', error_description: 'more than one client authentication method' });
    const id = basic?.id ?? x.params.client_id;
    const secret = basic?.secret ?? x.params.client_secret;
    if (id === undefined || secretOf(id) === undefined || secretOf(id) !== secret) {
      return json(
        401,
        { error: 'invalid_client', error_description: 'Client authentication failed' },
        { 'www-authenticate': 'Basic realm="fake"' },
      );
    }
    if (x.params.grant_type !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    if (x.params.scope === 'forbidden') return json(400, { error: 'invalid_scope' });
    const lifetime = options.oauthLifetimeSeconds ?? 3600;
    const opaque = `oauth-${randomBytes(24).toString('base64url')}`;
    const made = options.oauthJwt ? jwt(id, x.params.scope, lifetime) : opaque;
    const { token } = ledger.issue(`oauth2:${id}`, made, lifetime);
    const answer: Record<string, unknown> = { access_token: token, token_type: 'Bearer', scope: x.params.scope };
    if (!options.oauthOmitExpiresIn) answer.expires_in = lifetime;
    return json(200, answer);
  }

  /** Baidu IAM bearer token: verifies the BCE signature by recomputing it from what arrived. */
  function iam(x: Exchange): Reply {
    const requestId = hex(16);
    const fail = (status: number, code: string, message: string) => json(status, { requestId, code, message });
    const auth = String(x.headers.authorization ?? '');
    const match = /^bce-auth-v1\/([^/]+)\/([^/]+)\/(\d+)\/([^/]*)\/([0-9a-f]{64})$/.exec(auth);
    if (x.method !== 'GET' || !match) return fail(400, 'InvalidHTTPAuthHeader', 'Invalid authorization header');
    const [, accessKey = '', timestamp = '', expiration = '1800', signedHeaders = ''] = match;
    const secretKey = secretOf(accessKey);
    if (secretKey === undefined) return fail(403, 'InvalidAccessKeyId', 'The access key id does not exist');
    const signedAt = Date.parse(timestamp);
    const serverNow = now() + (options.iamClockSkewMs ?? 0);
    if (
      !Number.isFinite(signedAt) ||
      serverNow > signedAt + Number(expiration) * 1000 ||
      signedAt > serverNow + 15 * 60_000
    ) {
      return fail(400, 'RequestExpired', 'Request has expired');
    }
    const names = signedHeaders.split(';').filter(Boolean);
    const headers = Object.fromEntries(names.map((name) => [name, String(x.headers[name] ?? '')]));
    const expected = signBceRequest(
      { method: x.method, path: x.path, query: x.query, headers, signedHeaders: names },
      { accessKey, secretKey },
      signedAt,
      Number(expiration),
    );
    if (expected !== auth)
      return fail(
        400,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided',
      );
    const seconds = Number(x.query.expireInSeconds ?? 86_400);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 2_592_000)
      return fail(400, 'InvalidParameter', 'expireInSeconds out of range');
    // New token each call; whether it revokes older ones is unconfirmed, so it does not here.
    const held = ledger.issue(`iam:${accessKey}`, `bce-v3/ALTAK-${hex(10)}/${hex(20)}`, seconds);
    return json(200, {
      userId: hex(16),
      token: held.token,
      status: 'enable',
      createTime: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      expireTime: new Date(held.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  }

  /** WeChat errors: HTTP 200 with errcode and an errmsg that carries a trace id. */
  const wechatError = (errcode: number, errmsg: string) => json(200, { errcode, errmsg: `${errmsg} ${rid()}` });

  function wechatCredentials(appid: unknown, secret: unknown): Reply | undefined {
    if (secretOf(appid) === undefined) return wechatError(40013, 'invalid appid');
    if (secretOf(appid) !== secret)
      return wechatError(40001, 'invalid credential, access_token is invalid or not latest');
    return undefined;
  }

  const forceCalls: number[] = [];

  /** stable_token: JSON only; the same token until 5 minutes before expiry; force_refresh revokes. */
  function wechatStable(x: Exchange): Reply {
    if (x.method !== 'POST' || !isJson(x) || !x.json) return wechatError(41002, 'appid missing');
    const { grant_type, appid, secret, force_refresh } = x.json;
    if (grant_type !== 'client_credential') return wechatError(40002, 'invalid grant_type');
    const refused = wechatCredentials(appid, secret);
    if (refused) return refused;
    const key = `wechat:${String(appid)}`;
    if (force_refresh === true) {
      const recent = forceCalls.filter((at) => at > now() - 24 * 3600_000);
      if (recent.length >= 20) return wechatError(45009, 'reach max api daily quota limit');
      if (recent.some((at) => at > now() - 30_000))
        return wechatError(45011, 'api minute-quota reach limit  mustslower  retry next minute');
      forceCalls.push(now());
      const held = ledger.issue(key, `${hex(8)}_${randomBytes(48).toString('base64url')}`, short, true);
      return json(200, { access_token: held.token, expires_in: short });
    }
    const held = ledger.current(key);
    if (held && held.expiresAt - now() > 5 * 60_000) {
      return json(200, { access_token: held.token, expires_in: Math.round((held.expiresAt - now()) / 1000) });
    }
    // Inside the last 5 minutes (or none held): a new token, the old one valid until it expires.
    const fresh = ledger.issue(key, `${hex(8)}_${randomBytes(48).toString('base64url')}`, short);
    return json(200, { access_token: fresh.token, expires_in: short });
  }

  /** Classic cgi-bin/token: query only; every call issues a new token and revokes the previous one. */
  function wechatClassic(x: Exchange): Reply {
    if (x.query.grant_type !== 'client_credential') return wechatError(40002, 'invalid grant_type');
    const refused = wechatCredentials(x.query.appid, x.query.secret);
    if (refused) return refused;
    const held = ledger.issue(
      `wechat:${x.query.appid}`,
      `${hex(8)}_${randomBytes(48).toString('base64url')}`,
      short,
      true,
    );
    return json(200, { access_token: held.token, expires_in: short });
  }

  /** Feishu tenant_access_token/internal: the same token until fewer than 30 minutes remain. */
  function feishu(x: Exchange): Reply {
    // How Feishu answers a non-JSON body is not documented; a 400 with its generic code is assumed.
    if (!isJson(x) || !x.json) return json(400, { code: 9499, msg: 'Bad Request' });
    const { app_id, app_secret } = x.json;
    if (secretOf(app_id) === undefined) return json(200, { code: 10003, msg: 'invalid param' });
    if (secretOf(app_id) !== app_secret) return json(200, { code: 10014, msg: 'app secret invalid' });
    const key = `feishu:${String(app_id)}`;
    const held = ledger.current(key);
    const answer = held && held.expiresAt - now() >= 30 * 60_000 ? held : ledger.issue(key, `t-${hex(20)}`, short);
    return json(200, {
      code: 0,
      msg: 'ok',
      tenant_access_token: answer.token,
      expire: Math.round((answer.expiresAt - now()) / 1000),
    });
  }

  /** DingTalk v1.0 oauth2/accessToken: JSON only; the same token, extended, while it is valid. */
  function dingtalk(x: Exchange): Reply {
    const requestid = hex(8);
    if (isForm(x) || !x.json)
      return json(400, { code: 'MissingappKey', message: 'appKey is mandatory for this action.', requestid });
    const { appKey, appSecret } = x.json;
    if (secretOf(appKey) === undefined || secretOf(appKey) !== appSecret) {
      return json(400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret', requestid });
    }
    const key = `dingtalk:${String(appKey)}`;
    const held = ledger.extend(key, short) ?? ledger.issue(key, hex(16), short);
    return json(200, { accessToken: held.token, expireIn: short });
  }

  /** DingTalk legacy gettoken: query; errors as HTTP 200 with errcode. */
  function dingtalkLegacy(x: Exchange): Reply {
    if (secretOf(x.query.appkey) === undefined || secretOf(x.query.appkey) !== x.query.appsecret) {
      return json(200, { errcode: 40089, errmsg: '不合法的corpid或corpsecret' });
    }
    const key = `dingtalk-legacy:${x.query.appkey}`;
    const held = ledger.extend(key, short) ?? ledger.issue(key, hex(16), short);
    return json(200, { errcode: 0, errmsg: 'ok', access_token: held.token, expires_in: short });
  }

  return {
    '/oauth/2.0/token': baidu,
    '/oauth2/token': oauth2,
    '/v1/BCE-BEARER/token': iam,
    '/cgi-bin/stable_token': wechatStable,
    '/cgi-bin/token': wechatClassic,
    '/open-apis/auth/v3/tenant_access_token/internal': feishu,
    '/v1.0/oauth2/accessToken': dingtalk,
    '/gettoken': dingtalkLegacy,
  } as Record<string, (x: Exchange) => Reply>;
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}
