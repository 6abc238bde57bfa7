import { Buffer } from 'node:buffer';
import { chmod, rm } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { ApiStatus } from '../contract/ipc.ts';
import { type ApiLocation, CLI_USER_AGENT, MAX_SOCKET_PATH_BYTES } from '../contract/local-api.ts';
import type { Settings } from '../contract/settings.ts';
import type { Logger, TokenService } from '../core/index.ts';
import { createGateway, type GatewayCall, type GatewayClient } from '../gateway/gateway.ts';
import { parseGatewayTarget } from '../gateway/request-target.ts';
import { loadSecret, newSecret, prepareApiDir, writeSecret } from './api-files.ts';
import { createApiGuard } from './api-guard.ts';
import { type ApiRouteDeps, apiError, createApiRoutes, type Reply } from './api-routes.ts';
import { guardConnections } from './connection-guard.ts';
import { resolveProfile } from './profile-ref.ts';

// `import 'node:http'` costs Node 24 some 35 ms at start-up (building its ES namespace loads undici
// through the lazy fetch/WebSocket exports); require() does not. The tray must not wait for it.
const load = createRequire(import.meta.url);
const { createServer } = load('node:http') as typeof import('node:http');

/** Requests are a line and a few headers: anything larger is not one of ours. */
export const MAX_REQUEST_BYTES = 8 * 1024;
/** A client gets this long to send an API request's body (not to wait for a token). */
export const REQUEST_TIMEOUT_MS = 5_000;
/** A connection must send its headers (or use its kept-alive connection) within this. */
export const HEADERS_TIMEOUT_MS = 3_000;
/** Connections at once per listener on a desktop: scripts and API clients, not a crowd (a server sets its own). */
export const MAX_CONNECTIONS = 128;
/** Headers a request may give once only: two would let the guard read one and a proxy the other. */
const SINGLE_HEADERS = ['host', 'authorization', 'origin', 'content-length', 'sec-fetch-site'] as const;
/** How often refused attempts are summed up in the log. */
const REFUSAL_LOG_MS = 60_000;

export interface ApiServerDeps extends ApiRouteDeps {
  service: ApiRouteDeps['service'] & Pick<TokenService, 'gatewayUpstream' | 'getToken'>;
  /** Told of every gateway call (Recent uses, metrics): never a token, query or body. */
  onGatewayCall?(call: GatewayCall): void;
  /** Gateway client keys besides the API secret (a server's configured clients), read per request. */
  gatewayClients?(): readonly GatewayClient[];
  location: ApiLocation;
  platform: NodeJS.Platform;
  /** Where the TCP listener binds (127.0.0.1 unless a server says otherwise), and its TLS. */
  tcp?: { host: string; tls?: { cert: string; key: string } | undefined };
  /** Host names requests may give besides loopback ones. */
  allowedHosts?: readonly string[];
  /** Connections at once per listener (default MAX_CONNECTIONS; a server's gateway serves more). */
  maxConnections?: number;
  /** `GET /healthz`, answered without the secret (no browser still). */
  health?(): { status: number; body: unknown };
  /** `GET /metrics` (with the secret): Prometheus text. */
  metrics?(): Promise<string>;
  /** The `tokentray` CLI that ships with the app, shown in Settings. */
  cliPath: string | null;
  logger: Logger;
}

type ListenerState = { server: Server; problem: null } | { server: null; problem: string };

function send(response: ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body, 'utf8');
  response.writeHead(reply.status, {
    'content-type': `${reply.type}; charset=utf-8`,
    'content-length': body.length,
    'x-content-type-options': 'nosniff',
    ...reply.headers,
  });
  response.end(body);
}

/**
 * The local token API: HTTP on a per-user socket (a named pipe on Windows), and on
 * 127.0.0.1:<port> when Settings ask. Takes the engine's pieces as parameters like every shell
 * module; the routes are in api-routes.ts, the gate in api-guard.ts.
 */
export function createApiServer(deps: ApiServerDeps) {
  const { location, logger } = deps;
  let secret = '';
  const guard = createApiGuard({
    secret: () => secret,
    now: deps.now,
    ...(deps.allowedHosts ? { allowedHosts: deps.allowedHosts } : {}),
  });
  const routes = createApiRoutes({
    ...deps,
    gatewayBases: () => {
      const now = status();
      return { socketPath: now.listening ? now.endpoint : null, tcpUrl: now.tcpUrl, secretFile: now.secretFile };
    },
  });
  const gateway = createGateway({
    service: deps.service,
    resolve: (ref) => {
      const found = resolveProfile(deps.service, ref);
      return found.ok ? { id: found.view.id, name: found.view.name } : { error: found.error };
    },
    clients: () => [{ name: 'api-secret', key: secret }, ...(deps.gatewayClients?.() ?? [])],
    failedAuth: () => guard.failed(),
    fail: (response, code) => {
      const reply = apiError(code);
      if (code === 'too_many_attempts') reply.headers = { 'retry-after': String(guard.retryAfterSeconds()) };
      send(response, reply);
    },
    now: deps.now,
    logger,
    ...(deps.onGatewayCall ? { onCall: deps.onGatewayCall } : {}),
  });
  let socket: ListenerState = { server: null, problem: 'not_started' };
  let tcp: (ListenerState & { port: number }) | undefined;
  let refusalTimer: ReturnType<typeof setInterval> | undefined;
  /** Set by close(): a start still under way then stops short and leaves nothing open. */
  let stopped = false;

  async function onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // RFC 9112: a request with more than one Host is answered 400; the same for the headers the
    // guard decides on (Node keeps the first Host and joins or drops the others).
    if (SINGLE_HEADERS.some((name) => (request.headersDistinct[name]?.length ?? 0) > 1)) {
      send(response, apiError('bad_request'));
      request.resume();
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (deps.health && path === '/healthz' && !guard.browser(request.headers)) {
      const { status, body } = deps.health();
      send(response, { status, body: JSON.stringify(body), type: 'application/json' });
      request.resume();
      return;
    }
    // The gateway authenticates on its own (client keys, or a token an SDK got from it) and streams
    // bodies of any size up to its own cap; no browser reaches it either.
    const target = parseGatewayTarget(request.url ?? '/');
    if (target !== 'not_gateway') {
      const problem =
        guard.browser(request.headers) ??
        (typeof target === 'string' ? (target === 'no_profile' ? 'unknown_profile' : 'bad_request') : undefined);
      if (problem || typeof target === 'string') {
        send(response, apiError(problem ?? 'bad_request'));
        request.resume();
        return;
      }
      await gateway.handle(request, response, target);
      return;
    }
    const refused = guard.check(request.headers);
    if (refused) {
      const reply = apiError(refused);
      if (refused === 'too_many_attempts') reply.headers = { 'retry-after': String(guard.retryAfterSeconds()) };
      send(response, reply);
      request.resume();
      return;
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES || request.headers['transfer-encoding'] !== undefined) {
      send(response, apiError('payload_too_large'));
      request.destroy();
      return;
    }
    // The body is small by now (declared within the cap, no chunked encoding): read it whole,
    // within the deadline (a sender that trickles it is cut).
    const chunks: Buffer[] = [];
    const deadline = setTimeout(() => request.destroy(), REQUEST_TIMEOUT_MS);
    try {
      for await (const chunk of request) chunks.push(chunk as Buffer);
    } finally {
      clearTimeout(deadline);
    }
    const body = Buffer.concat(chunks).toString('utf8').slice(0, MAX_REQUEST_BYTES);
    const name = request.headers['user-agent'] || 'unknown';
    const via = name.startsWith(`${CLI_USER_AGENT}/`) ? 'cli' : 'api';
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (deps.metrics && url.pathname === '/metrics') {
      send(response, { status: 200, body: await deps.metrics(), type: 'text/plain' });
      return;
    }
    send(response, await routes.handle(request.method ?? 'GET', url, { via, name }, body));
  }

  function makeServer(tls: { cert: string; key: string } | undefined): Server {
    const options = {
      maxHeaderSize: MAX_REQUEST_BYTES,
      // Off server-wide: a gateway upload may take its time; API routes set their own deadline.
      requestTimeout: 0,
      headersTimeout: HEADERS_TIMEOUT_MS,
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      onRequest(req, res).catch((error: unknown) => {
        logger.error('api request failed', { error: error instanceof Error ? error.name : 'unknown' });
        if (!res.headersSent) send(res, apiError('internal'));
        else res.destroy();
      });
    };
    const server = tls
      ? (load('node:https') as typeof import('node:https')).createServer({ ...options, ...tls }, handler)
      : createServer(options, handler);
    guardConnections(server, { maxConnections: deps.maxConnections ?? MAX_CONNECTIONS, idleMs: HEADERS_TIMEOUT_MS });
    return server;
  }

  function listen(server: Server, target: string | { port: number; host: string }): Promise<string | null> {
    if (stopped) return Promise.resolve('stopped');
    return new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException) => resolve(error.code ?? 'listen_failed');
      server.once('error', onError);
      const ready = () => {
        server.off('error', onError);
        // Quit came while this listener was starting: it must not outlive the app.
        if (stopped) {
          server.close();
          resolve('stopped');
          return;
        }
        resolve(null);
      };
      if (typeof target === 'string') server.listen(target, ready);
      else server.listen(target.port, target.host, ready);
    });
  }

  async function startSocket(): Promise<void> {
    const { endpoint } = location;
    if (deps.platform !== 'win32' && Buffer.byteLength(endpoint) > MAX_SOCKET_PATH_BYTES) {
      socket = { server: null, problem: 'socket_path_too_long' };
      logger.error('api socket path too long', { bytes: Buffer.byteLength(endpoint) });
      return;
    }
    // One app per data folder (the single-instance lock): a socket file left here is a dead one's.
    if (deps.platform !== 'win32') await rm(endpoint, { force: true });
    const server = makeServer(undefined);
    const problem = await listen(server, endpoint);
    if (problem) {
      socket = { server: null, problem };
      logger.error('api socket failed', { problem });
      return;
    }
    // Known before the next await, so that a close() arriving meanwhile closes it.
    socket = { server, problem: null };
    if (deps.platform !== 'win32') await chmod(endpoint, 0o600).catch(() => undefined);
  }

  async function closeServer(server: Server | null): Promise<void> {
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Switches the TCP listener to what Settings say; resolves with its problem, if any. */
  async function applyTcp(settings: Pick<Settings, 'apiTcpEnabled' | 'apiTcpPort'>): Promise<string | null> {
    const wanted = settings.apiTcpEnabled ? settings.apiTcpPort : undefined;
    if (tcp && tcp.port === wanted && tcp.server) return null;
    await closeServer(tcp?.server ?? null);
    tcp = undefined;
    if (wanted === undefined) return null;
    const server = makeServer(deps.tcp?.tls);
    const host = deps.tcp?.host ?? '127.0.0.1';
    const problem = await listen(server, { port: wanted, host });
    tcp = problem ? { server: null, problem, port: wanted } : { server, problem: null, port: wanted };
    if (problem) logger.warn('api tcp listener failed', { port: wanted, problem });
    return problem;
  }

  function status(): ApiStatus {
    return {
      endpoint: location.endpoint,
      listening: socket.server !== null,
      tcpUrl: tcp?.server ? `${deps.tcp?.tls ? 'https' : 'http'}://${deps.tcp?.host ?? '127.0.0.1'}:${tcp.port}` : null,
      problem: socket.problem ?? tcp?.problem ?? null,
      secretFile: location.secretFile,
      cliPath: deps.cliPath,
    };
  }

  return {
    async start(settings: Pick<Settings, 'apiTcpEnabled' | 'apiTcpPort'>): Promise<void> {
      try {
        await prepareApiDir(location);
        secret = await loadSecret(location);
      } catch (error) {
        socket = { server: null, problem: (error as NodeJS.ErrnoException).code ?? 'secret_unavailable' };
        logger.error('api secret unavailable', { problem: socket.problem });
        return;
      }
      await startSocket();
      await applyTcp(settings);
      if (stopped) return;
      refusalTimer = setInterval(() => {
        const count = guard.takeRefusedCount();
        if (count > 0) logger.warn('api: failed authentications refused', { count });
      }, REFUSAL_LOG_MS);
      refusalTimer.unref?.();
    },
    applyTcp,
    /** A new secret, on disk before it is in force: clients holding the old one get 401 from now on. */
    async regenerateSecret(): Promise<ApiStatus> {
      await prepareApiDir(location);
      secret = await writeSecret(location, newSecret());
      logger.info('api secret regenerated');
      return status();
    },
    secret: () => secret,
    status,
    /** A profile's gateway (base URLs, origins, snippets), for the window. */
    async gatewayInfo(id: string) {
      const view = deps.service.getProfile(id);
      return view ? routes.gatewayInfo(view) : undefined;
    },
    async close(): Promise<void> {
      stopped = true;
      if (refusalTimer) clearInterval(refusalTimer);
      await Promise.all([closeServer(socket.server), closeServer(tcp?.server ?? null)]);
      if (socket.server && deps.platform !== 'win32') await rm(location.endpoint, { force: true });
      socket = { server: null, problem: 'stopped' };
      tcp = undefined;
    },
  };
}

export type ApiServer = ReturnType<typeof createApiServer>;
