import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ApiErrorCode } from '../contract/local-api.ts';
import { type GatewayUpstream, type Logger, placeToken, type TokenService, transportFailure } from '../core/index.ts';
import { type Body, GatewayRefusal, MAX_BODY_BYTES, readBody, readHead } from './body.ts';
import { createGatewayCallers } from './callers.ts';
import {
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  readsBody,
  redirectTarget,
  refusedByBody,
  refusedByStatus,
  scrub,
} from './forwarding.ts';
import { GATEWAY_PREFIX, type GatewayTarget, upstreamUrl } from './request-target.ts';
import { emulatedTokenEndpoint } from './token-endpoints.ts';

/** A JSON answer up to this size is read whole to look for a refused token (and scrub the token). */
const INSPECT_BYTES = 1024 * 1024;
/** An upstream that sends nothing for this long (headers or body) is given up on. */
const UPSTREAM_IDLE_MS = 120_000;

export interface GatewayCall {
  profileId: string;
  /** The client as it named itself (its User-Agent). */
  client: string;
  method: string;
  /** The path only: a query may hold anything. */
  path: string;
  status: number;
  durationMs: number;
  /** The token was refused, refreshed and the request sent again. */
  retried: boolean;
}

/** Who may call through the gateway: a name, a key, and the profiles (names or ids) it may use. */
export interface GatewayClient {
  name: string;
  key: string;
  /** Absent: every profile. */
  profiles?: readonly string[];
}

export interface GatewayDeps {
  service: Pick<TokenService, 'gatewayUpstream' | 'getToken' | 'refresh' | 'getProfile'>;
  /** The profile a client named, or the API error to answer with. */
  resolve(ref: string): { id: string; name: string } | { error: ApiErrorCode };
  /** The keys accepted (the API secret, a server's client keys), read on every request. */
  clients(): readonly GatewayClient[];
  /** Counts a failed authentication: 401, or 429 once a burst is spent (the API's own limiter). */
  failedAuth(): ApiErrorCode;
  /** Answers an API error (the local API's shape). */
  fail(response: ServerResponse, code: ApiErrorCode): void;
  now(): number;
  logger: Logger;
  /** Told of every call (Recent uses, metrics); never a token, a query or a body. */
  onCall?(call: GatewayCall): void;
}

/**
 * The credential-injecting gateway: `/gw/<profile>/<path>` forwards to the same path on the
 * profile's API origin with the current token in the provider's place, streams both ways, and
 * when the provider reports the token refused, refreshes once (one refresh however many requests
 * meet it) and sends the request again if its body was kept. Served by the desktop's local API
 * and by tokentray-server alike, behind the same guard.
 */
export function createGateway(deps: GatewayDeps) {
  const { service, logger } = deps;
  const { currentToken, authenticate, answerTokenRequest } = createGatewayCallers(deps);

  async function handle(request: IncomingMessage, response: ServerResponse, target: GatewayTarget): Promise<void> {
    const started = deps.now();
    const found = deps.resolve(target.profile);
    if ('error' in found) {
      request.resume();
      deps.fail(response, found.error);
      return;
    }
    const path = target.pathAndQuery.split('?')[0] ?? '/';
    let retried = false;
    const abort = new AbortController();
    // A client that goes away takes its upstream request with it.
    response.on('close', () => {
      if (!response.writableFinished) abort.abort();
    });
    try {
      const upstream = await service.gatewayUpstream(found.id);
      const emulated = emulatedTokenEndpoint(upstream.provider, upstream.tokenEndpoint, path);
      if (emulated) {
        await answerTokenRequest(request, response, emulated, upstream, found, target, path);
        return;
      }
      await authenticate(request, upstream, found, target.pathAndQuery);
      const url = chooseUpstream(upstream, request, target.pathAndQuery);
      const body = await readBody(request);
      let token = await currentToken(found.id);
      for (let attempt = 0; ; attempt++) {
        const retryable = attempt === 0 && body.kind !== 'stream';
        const outcome = await forward(upstream, url, request, body, token, abort.signal, retryable, response, target);
        if (outcome !== 'refused') break;
        // One refresh for everyone who met this token; then the request once more.
        retried = true;
        await service.refresh(found.id, { rejectedToken: token });
        token = await currentToken(found.id);
      }
    } catch (error) {
      if (error instanceof GatewayRefusal) {
        request.resume();
        if (!response.headersSent) deps.fail(response, error.code);
        else response.destroy();
      } else if (!response.headersSent && !abort.signal.aborted) {
        logger.warn('gateway upstream failed', { profile: found.id, error: errorCode(error) });
        deps.fail(response, upstreamFailure(error));
      } else response.destroy();
    } finally {
      deps.onCall?.({
        profileId: found.id,
        client: request.headers['user-agent'] || 'unknown',
        method: request.method ?? 'GET',
        path,
        status: response.statusCode,
        durationMs: deps.now() - started,
        retried,
      });
    }
  }

  /** The upstream URL: the first allowed origin, or the one the client chose among them. */
  function chooseUpstream(upstream: GatewayUpstream, request: IncomingMessage, pathAndQuery: string): URL {
    if (upstream.origins.length === 0) throw new GatewayRefusal('gateway_off');
    const asked = request.headers['tokentray-upstream'];
    const origin = asked === undefined ? upstream.origins[0] : upstream.origins.find((o) => o === asked);
    if (origin === undefined) throw new GatewayRefusal('gateway_origin_refused');
    const url = upstreamUrl(origin, pathAndQuery);
    if (!url) throw new GatewayRefusal('bad_request');
    return url;
  }

  /**
   * One attempt: sends the request with `token`, and either answers the client ('done') or, when
   * the answer says the token was refused and the request may be sent again, drops the answer
   * ('refused').
   */
  async function forward(
    upstream: GatewayUpstream,
    base: URL,
    request: IncomingMessage,
    body: Body,
    token: string,
    signal: AbortSignal,
    retryable: boolean,
    response: ServerResponse,
    target: GatewayTarget,
  ): Promise<'done' | 'refused'> {
    const url = new URL(base);
    let headers = placeToken(upstream.usage, token, url, forwardedRequestHeaders(request.headers, url));
    const inspect = readsBody(upstream.rejection);
    // The answer is looked at for a refused token: it must come uncompressed.
    if (inspect) headers['accept-encoding'] = 'identity';
    if (body.kind === 'whole') {
      headers = { ...headers, 'content-length': String(body.data.length) };
      delete headers['transfer-encoding'];
    }
    const outgoing = await upstream.open(url, { method: request.method ?? 'GET', headers, signal });
    outgoing.setTimeout(UPSTREAM_IDLE_MS, () => outgoing.destroy(new Error('upstream idle')));
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      outgoing.once('response', resolve);
      outgoing.once('error', reject);
    });
    if (body.kind === 'whole') outgoing.end(body.data);
    else if (body.kind === 'none') outgoing.end();
    else {
      for (const chunk of body.head) outgoing.write(chunk);
      let size = body.head.reduce((sum, chunk) => sum + chunk.length, 0);
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) outgoing.destroy(new GatewayRefusal('payload_too_large'));
      });
      request.resume();
      void pipeline(request, outgoing).catch(() => outgoing.destroy());
    }
    const answer = await answered;
    const status = answer.statusCode ?? 502;
    if (retryable && refusedByStatus(upstream.rejection, status, answer.headers)) {
      answer.resume();
      return 'refused';
    }
    const redirect = redirectTarget(upstream, url, answer, target, upstream.usage.name);
    if (redirect === 'refused') {
      answer.resume();
      throw new GatewayRefusal('gateway_redirect_refused');
    }
    const headersOut = forwardedResponseHeaders(answer.headers);
    if (redirect) headersOut.location = redirect;
    const json = /\bjson\b/i.test(String(answer.headers['content-type'] ?? ''));
    const length = Number(answer.headers['content-length'] ?? 0);
    if (inspect && json && length <= INSPECT_BYTES) {
      const { chunks, ended } = await readHead(answer, INSPECT_BYTES);
      if (ended) {
        const whole = Buffer.concat(chunks);
        if (retryable && refusedByBody(upstream.rejection, whole)) return 'refused';
        // An API that quotes the token back (in an error message) does not hand it to the client.
        const clean = scrub(whole, token);
        response.writeHead(status, { ...headersOut, 'content-length': String(clean.length) });
        response.end(clean);
        return 'done';
      }
      // Larger than a refusal ever is: the rest streams on behind what was read.
      response.writeHead(status, headersOut);
      for (const chunk of chunks) response.write(chunk);
      await pipeline(answer, response);
      return 'done';
    }
    response.writeHead(status, headersOut);
    // Streams (SSE, chunked chat answers) reach the client as they arrive.
    response.flushHeaders();
    await pipeline(answer, response);
    return 'done';
  }

  return {
    /** Whether a raw request target is the gateway's. */
    owns: (rawUrl: string) => rawUrl.startsWith(GATEWAY_PREFIX),
    handle,
  };
}

/** Why the API could not be reached, as the token requests tell it: a certificate, a name, a timeout. */
function upstreamFailure(error: unknown): ApiErrorCode {
  const { code, messageKey } = transportFailure(error);
  if (code === 'timeout') return 'upstream_timeout';
  return messageKey === 'network_tls'
    ? 'upstream_tls'
    : messageKey === 'network_dns'
      ? 'upstream_dns'
      : 'upstream_unreachable';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.name : 'unknown');
}
