import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createProtocols, type Exchange, type ProtocolOptions, TokenLedger } from './fake-protocols.ts';

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
  json: Record<string, unknown> | undefined;
}

export type FakeServerOptions = Partial<Omit<ProtocolOptions, 'now'>> & {
  /** The server's clock (ms since epoch); tests pass the engine's fake clock. */
  now?: () => number;
  /** Serve HTTPS with this certificate (see private-ca.ts) instead of plain HTTP. */
  tls?: { key: string; cert: string };
};

/**
 * A real HTTP server on 127.0.0.1 speaking every provider's token protocol faithfully (see
 * fake-protocols.ts), with knobs for every way a token endpoint goes wrong.
 */
export async function startFakeTokenServer(options: FakeServerOptions = {}) {
  const now = options.now ?? Date.now;
  const ledger = new TokenLedger(now);
  const protocols = createProtocols(
    { ...options, clients: options.clients ?? { 'test-api-key-0001': 'test-secret-key-0001' }, now },
    ledger,
  );
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  let standing: Behaviour = { type: 'ok' };
  const hanging = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      const query = Object.fromEntries(url.searchParams);
      const contentType = String(req.headers['content-type'] ?? '');
      const params = contentType.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(body))
        : query;
      const json = contentType.startsWith('application/json') ? parseObject(body) : undefined;
      const exchange: Exchange = {
        method: req.method ?? '',
        path: url.pathname,
        query,
        headers: req.headers,
        params,
        json,
        contentType,
      };
      requests.push({ method: exchange.method, path: exchange.path, query, headers: req.headers, body, params, json });
      void respond(req, res, exchange, queue.shift() ?? standing);
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, handle) : createServer(handle);

  async function respond(req: IncomingMessage, res: ServerResponse, exchange: Exchange, behaviour: Behaviour) {
    switch (behaviour.type) {
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
        return protocol(res, exchange);
      case 'hang':
        hanging.add(res);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'error':
        return send(res, behaviour.status ?? 400, { error: behaviour.error, error_description: behaviour.description });
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
        return protocol(res, exchange);
    }
  }

  function protocol(res: ServerResponse, exchange: Exchange) {
    const handler = protocols[exchange.path];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/html' });
      return res.end('<html><body>Not Found</body></html>');
    }
    const reply = handler(exchange);
    return send(res, reply.status, reply.body, reply.headers);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `${options.tls ? 'https' : 'http'}://${options.tls ? 'localhost' : '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  return {
    base,
    baiduUrl: `${base}/oauth/2.0/token`,
    oauthUrl: `${base}/oauth2/token`,
    iamUrl: `${base}/v1/BCE-BEARER/token`,
    wechatStableUrl: `${base}/cgi-bin/stable_token`,
    wechatClassicUrl: `${base}/cgi-bin/token`,
    feishuUrl: `${base}/open-apis/auth/v3/tenant_access_token/internal`,
    dingtalkUrl: `${base}/v1.0/oauth2/accessToken`,
    dingtalkLegacyUrl: `${base}/gettoken`,
    requests,
    /** Every token handed out, in order. */
    issued: ledger.issued,
    /** Tokens revoked by a later fetch (WeChat classic, force_refresh). */
    revoked: ledger.revoked,
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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
