import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake does with the next request. `ok` follows the protocol faithfully. */
export type Behaviour =
  | { type: 'ok' }
  | { type: 'error'; error: string; description?: string; status?: number }
  | { type: 'raw'; status: number; body: string; headers?: Record<string, string> }
  | { type: 'html'; status?: number }
  | { type: 'malformed' }
  | { type: 'oversized'; bytes: number }
  | { type: 'delay'; ms: number }
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'redirect'; location: string; status?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  /** The form body, or the query string when there is no body (Baidu accepts both). */
  params: Record<string, string>;
}

export interface FakeServerOptions {
  /** Registered clients: API Key / client id → Secret Key / client secret. */
  clients?: Record<string, string>;
  baiduLifetimeSeconds?: number;
  oauthLifetimeSeconds?: number;
  /** Omit `expires_in` from OAuth 2.0 answers (RFC 6749 makes it optional). */
  oauthOmitExpiresIn?: boolean;
  /** HTTP status Baidu sends with a wrong Secret Key (unconfirmed in Baidu's docs). */
  baiduSecretErrorStatus?: number;
}

/**
 * A real HTTP server on 127.0.0.1 speaking Baidu's legacy OAuth (`/oauth/2.0/token`) and RFC 6749
 * client credentials (`/oauth2/token`), with knobs for every way a token endpoint goes wrong.
 */
export async function startFakeTokenServer(options: FakeServerOptions = {}) {
  const clients = options.clients ?? { 'test-api-key-0001': 'test-secret-key-0001' };
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];
  const queue: Behaviour[] = [];
  let standing: Behaviour = { type: 'ok' };
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      const query = Object.fromEntries(url.searchParams);
      const formBody = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
      const params = formBody ? Object.fromEntries(new URLSearchParams(body)) : query;
      requests.push({ method: req.method ?? '', path: url.pathname, query, headers: req.headers, body, params });
      void respond(req, res, url.pathname, params, queue.shift() ?? standing);
    });
  });

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    params: Record<string, string>,
    behaviour: Behaviour,
  ) {
    switch (behaviour.type) {
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
        return protocol(req, res, path, params);
      case 'hang':
        hanging.add(res);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'error':
        return json(res, behaviour.status ?? 400, { error: behaviour.error, error_description: behaviour.description });
      case 'raw':
        res.writeHead(behaviour.status, behaviour.headers ?? { 'content-type': 'application/json' });
        return res.end(behaviour.body);
      case 'html':
        res.writeHead(behaviour.status ?? 200, { 'content-type': 'text/html' });
        return res.end('<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>');
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"access_token": "24.abc", "expires_in": ');
      case 'oversized':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(`{"access_token":"${'a'.repeat(behaviour.bytes)}","expires_in":3600}`);
      case 'redirect':
        res.writeHead(behaviour.status ?? 302, { location: behaviour.location });
        return res.end();
      case 'ok':
        return protocol(req, res, path, params);
    }
  }

  function protocol(req: IncomingMessage, res: ServerResponse, path: string, params: Record<string, string>) {
    if (path === '/oauth/2.0/token') return baidu(res, params);
    if (path === '/oauth2/token') return oauth2(req, res, params);
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>Not Found</body></html>');
  }

  /** Baidu legacy OAuth: query or form parameters, `{error, error_description}` failures. */
  function baidu(res: ServerResponse, params: Record<string, string>) {
    if (params.grant_type !== 'client_credentials') {
      return json(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported',
      });
    }
    const secret = params.client_id === undefined ? undefined : clients[params.client_id];
    if (secret === undefined)
      return json(res, 401, { error: 'invalid_client', error_description: 'unknown client id' });
    if (params.client_secret !== secret) {
      return json(res, options.baiduSecretErrorStatus ?? 401, {
        error: 'invalid_client',
        error_description: 'Client authentication failed',
      });
    }
    const lifetime = options.baiduLifetimeSeconds ?? 2_592_000;
    const expiry = Math.floor(Date.now() / 1000) + lifetime;
    const token = `24.${randomBytes(16).toString('hex')}.${lifetime}.${expiry}.${Math.floor(Math.random() * 1e6)}-1234567`;
    issued.push(token);
    return json(res, 200, {
      refresh_token: `25.${randomBytes(16).toString('hex')}`,
      expires_in: lifetime,
      session_key: randomBytes(8).toString('hex'),
      access_token: token,
      scope: 'public brain_all_scope',
      session_secret: randomBytes(8).toString('hex'),
    });
  }

  /** RFC 6749 §4.4 with client_secret_basic or client_secret_post, never both. */
  function oauth2(req: IncomingMessage, res: ServerResponse, params: Record<string, string>) {
    if (req.method !== 'POST') return json(res, 405, { error: 'invalid_request' });
    const basic = parseBasic(req.headers.authorization);
    const posted = params.client_id !== undefined || params.client_secret !== undefined;
    if (basic && posted) {
      return json(res, 400, {
        error: 'invalid_request',
        error_description: 'more than one client authentication method',
      });
    }
    const id = basic?.id ?? params.client_id;
    const secret = basic?.secret ?? params.client_secret;
    if (id === undefined || clients[id] === undefined || clients[id] !== secret) {
      res.setHeader('www-authenticate', 'Basic realm="fake"');
      return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    if (params.grant_type !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
    if (params.scope === 'forbidden') return json(res, 400, { error: 'invalid_scope' });
    const token = `oauth-${randomBytes(24).toString('base64url')}`;
    issued.push(token);
    const answer: Record<string, unknown> = { access_token: token, token_type: 'Bearer', scope: params.scope };
    if (!options.oauthOmitExpiresIn) answer.expires_in = options.oauthLifetimeSeconds ?? 3600;
    return json(res, 200, answer);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    baiduUrl: `${base}/oauth/2.0/token`,
    oauthUrl: `${base}/oauth2/token`,
    requests,
    issued,
    /** Every request from now on. */
    behave(behaviour: Behaviour) {
      standing = behaviour;
    },
    /** The next requests, one behaviour each, before the standing one applies again. */
    queue(...behaviours: Behaviour[]) {
      queue.push(...behaviours);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeTokenServer = Awaited<ReturnType<typeof startFakeTokenServer>>;

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}
