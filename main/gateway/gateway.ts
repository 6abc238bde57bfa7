import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { bearerOf, sameSecret } from '../api/api-guard.ts';
import type { ApiErrorCode } from '../contract/local-api.ts';
import { type GatewayUpstream, type Logger, placeToken, type TokenService } from '../core/index.ts';
import {
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  readsBody,
  refusedByBody,
  refusedByStatus,
} from './forwarding.ts';
import { GATEWAY_PREFIX, type GatewayTarget, upstreamUrl } from './request-target.ts';
import { type Emulated, emulatedTokenEndpoint } from './token-endpoints.ts';

/** Tokens remembered per profile as current or just replaced: an SDK holding one may call with it. */
const TOKENS_REMEMBERED = 2;
/** A token endpoint's request is a few fields. */
const TOKEN_REQUEST_BYTES = 8 * 1024;

/** A request body up to this size is kept, so the request can be sent again after a refused token. */
export const RETRY_BODY_BYTES = 1024 * 1024;
/** The largest request body the gateway forwards. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
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

/** Why a gateway request could not be forwarded; turned into an API error. */
class GatewayRefusal extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode) {
    super(code);
    this.code = code;
  }
}

/** A request body as far as it was read: whole (can be sent again), or a head and the rest of the stream. */
type Body = { kind: 'none' } | { kind: 'whole'; data: Buffer } | { kind: 'stream'; head: Buffer[] };

/**
 * Reads a stream until it ends or passes `cap` bytes; in the second case it is paused with what
 * was read, and the rest can still be piped on (breaking out of `for await` would destroy it).
 */
function readHead(stream: IncomingMessage, cap: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= cap) return;
      stream.pause();
      cleanup();
      resolve({ chunks, ended: false });
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, ended: true });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

async function readBody(request: IncomingMessage): Promise<Body> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new GatewayRefusal('payload_too_large');
  if (declared === 0 && request.headers['transfer-encoding'] === undefined) return { kind: 'none' };
  const { chunks, ended } = await readHead(request, RETRY_BODY_BYTES);
  // Too big to keep: streamed on, and not sent again if the token is refused.
  return ended ? { kind: 'whole', data: Buffer.concat(chunks) } : { kind: 'stream', head: chunks };
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

  /** Per profile, the tokens handed out lately (newest first): the current one and the one it replaced. */
  const recentTokens = new Map<string, string[]>();
  function remember(id: string, token: string): void {
    const list = recentTokens.get(id) ?? [];
    if (list[0] === token) return;
    recentTokens.set(id, [token, ...list.filter((t) => t !== token)].slice(0, TOKENS_REMEMBERED));
  }
  async function currentToken(id: string): Promise<string> {
    const token = await service.getToken(id);
    if (token === undefined) throw new GatewayRefusal('no_token');
    remember(id, token);
    return token;
  }

  const mayUse = (client: GatewayClient, profile: { id: string; name: string }) =>
    client.profiles === undefined || client.profiles.some((p) => p === profile.name || p === profile.id);
  /** The client whose key this is, in constant time per key. */
  const clientByKey = (key: string | undefined) =>
    key === undefined ? undefined : deps.clients().find((client) => sameSecret(key, client.key));

  /** The token an SDK put in the provider's place, if any. */
  function presentedToken(
    upstream: GatewayUpstream,
    request: IncomingMessage,
    pathAndQuery: string,
  ): string | undefined {
    const { usage } = upstream;
    if (usage.style === 'query')
      return new URL(pathAndQuery, 'http://gateway').searchParams.get(usage.name) ?? undefined;
    if (usage.style === 'bearer') return bearerOf(request.headers.authorization);
    const value = request.headers[usage.name.toLowerCase()];
    return typeof value === 'string' ? value : undefined;
  }

  /**
   * Who is calling: a client key (`Authorization: Bearer <key>`) that may use this profile, or an
   * SDK presenting the profile's current or just-replaced token in the provider's own place.
   */
  async function authenticate(
    request: IncomingMessage,
    upstream: GatewayUpstream,
    profile: { id: string; name: string },
    pathAndQuery: string,
  ): Promise<void> {
    const client = clientByKey(bearerOf(request.headers.authorization));
    if (client) {
      if (!mayUse(client, profile)) throw new GatewayRefusal('forbidden');
      return;
    }
    const presented = presentedToken(upstream, request, pathAndQuery);
    if (presented !== undefined) {
      await currentToken(profile.id);
      if ((recentTokens.get(profile.id) ?? []).some((token) => sameSecret(presented, token))) return;
    }
    throw new GatewayRefusal(deps.failedAuth());
  }

  /** A provider token endpoint answered here: the app id must be the profile's, the secret a client key. */
  async function answerTokenRequest(
    request: IncomingMessage,
    response: ServerResponse,
    emulated: Emulated,
    upstream: GatewayUpstream,
    profile: { id: string; name: string },
    target: GatewayTarget,
    path: string,
  ): Promise<void> {
    const { chunks, ended } = await readHead(request, TOKEN_REQUEST_BYTES);
    if (!ended) throw new GatewayRefusal('payload_too_large');
    const query = new URL(target.pathAndQuery, 'http://gateway').searchParams;
    const presented = emulated.read(query, Buffer.concat(chunks).toString('utf8'), request.headers);
    const reply = (answer: { status: number; body: unknown }) => {
      const body = Buffer.from(JSON.stringify(answer.body), 'utf8');
      response.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(body.length),
        'cache-control': 'no-store',
      });
      response.end(body);
    };
    const appOk = presented.appId !== undefined && (await upstream.isAppId(presented.appId));
    const client = appOk ? clientByKey(presented.secret) : undefined;
    if (!appOk || !client || !mayUse(client, profile)) {
      if (deps.failedAuth() === 'too_many_attempts') throw new GatewayRefusal('too_many_attempts');
      reply(emulated.refused(appOk ? 'secret' : 'app', path));
      return;
    }
    const token = await currentToken(profile.id);
    const expiresAt = service.getProfile(profile.id)?.expiresAt;
    // The remaining lifetime, so the SDK asks again in time (and gets the shared token again).
    const expiresIn = expiresAt === undefined ? 7200 : Math.max(0, Math.floor((expiresAt - deps.now()) / 1000));
    reply(emulated.ok(token, expiresIn, path));
  }

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
        deps.fail(response, 'upstream_unreachable');
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

/** Replaces every occurrence of the token in an answer. */
function scrub(body: Buffer, token: string): Buffer {
  const text = body.toString('utf8');
  return text.includes(token) ? Buffer.from(text.split(token).join('[redacted]'), 'utf8') : body;
}

/**
 * Where a redirect answer may send the client: a Location on an allowed origin becomes the same
 * path through the gateway (without the token), one on any other origin is refused, never followed.
 */
function redirectTarget(
  upstream: GatewayUpstream,
  from: URL,
  answer: IncomingMessage,
  target: GatewayTarget,
  tokenParam: string,
): string | 'refused' | undefined {
  const location = answer.headers.location;
  const status = answer.statusCode ?? 0;
  if (location === undefined || status < 300 || status >= 400) return undefined;
  if (!URL.canParse(location, from)) return 'refused';
  const next = new URL(location, from);
  if (!upstream.origins.includes(next.origin)) return 'refused';
  if (upstream.usage.style === 'query') next.searchParams.delete(tokenParam);
  return `${GATEWAY_PREFIX}${encodeURIComponent(target.profile)}${next.pathname}${next.search}`;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.name : 'unknown');
}
