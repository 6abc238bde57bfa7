import type { Agent as HttpsAgent } from 'node:https';
import type { OptionsInit, Response } from 'got';
import { type ErrorDetails, type Failure, failure } from './errors.ts';
import { loadGot } from './lazy-packages.ts';
import type { ProxyChoice, ProxyResolver } from './proxy-route.ts';

/** One token request, already shaped by a provider. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** The profile's proxy choice; absent follows the system (or the environment without Electron). */
  proxy?: ProxyChoice;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON whatever the status; undefined when it is not a JSON object. */
  json: Record<string, unknown> | undefined;
}

export type HttpOutcome = { ok: true; response: HttpResponse } | { ok: false; failure: Failure };

/** Sends one request; `signal` abandons it (the engine closing). */
export type HttpSend = (request: HttpRequest, options?: { signal?: AbortSignal }) => Promise<HttpOutcome>;

export interface HttpClientOptions {
  /** Whole-request budget, connect to last byte. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  userAgent?: string;
  /** Where requests go by default: Electron's session in the app; HTTPS_PROXY/NO_PROXY without it. */
  resolveProxy?: ProxyResolver;
  /** Authorities trusted beyond Node's and the operating system's (PEM), read on every request. */
  extraCertificates?: () => readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** got and the proxy/TLS plumbing, loaded on the first request: start-up needs no HTTP. */
let transport: Promise<[Awaited<ReturnType<typeof loadGot>>, typeof import('./network.ts')]> | undefined;
const loadTransport = () => {
  transport ??= Promise.all([loadGot(), import('./network.ts')]);
  return transport;
};

/**
 * Creates the only function in the engine that talks HTTP. got's own errors never leave it:
 * they carry the URL, headers and body of the request, which is where the secrets are.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpSend {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const userAgent = options.userAgent ?? 'TokenTray';

  return async (request, sendOptions = {}) => {
    const controller = new AbortController();
    const signal = sendOptions.signal ? AbortSignal.any([controller.signal, sendOptions.signal]) : controller.signal;
    let tooLarge = false;
    const init: OptionsInit = {
      method: request.method,
      headers: { 'user-agent': userAgent, accept: 'application/json', ...request.headers },
      timeout: { request: timeoutMs },
      // A redirect must never carry credentials to another host; the engine owns retrying.
      followRedirect: false,
      retry: { limit: 0 },
      throwHttpErrors: false,
      // Token responses are tiny; refusing compression keeps the size cap honest.
      decompress: false,
      responseType: 'text',
      signal,
    };
    if (request.form) init.form = request.form;
    if (request.json !== undefined) init.json = request.json;

    /** The proxy used, and its answer to CONNECT: a failure before or at it is the proxy's. */
    let proxyUrl: string | undefined;
    let connectStatus: number | undefined;
    try {
      const [{ default: got }, network] = await loadTransport();
      const resolve = options.resolveProxy ?? network.environmentResolver;
      proxyUrl = await network.routeFor(request.url, request.proxy, resolve);
      const context = network.trustContext(options.extraCertificates?.() ?? []);
      const agent = await network.agentFor(proxyUrl, context, (status) => {
        connectStatus = status;
      });
      init.agent = { https: agent as HttpsAgent, ...(proxyUrl ? { http: agent } : {}) };
      const pending = got(request.url, init);
      pending.on('downloadProgress', (progress) => {
        if (progress.transferred > maxBytes || (progress.total ?? 0) > maxBytes) {
          tooLarge = true;
          controller.abort();
        }
      });
      const response = (await pending) as Response<string>;
      if (connectStatus !== undefined && connectStatus !== 200) return proxyOutcome(connectStatus);
      const body = String(response.body);
      if (Buffer.byteLength(body) > maxBytes) return tooLargeOutcome();
      return {
        ok: true,
        response: { status: response.statusCode, headers: response.headers, json: parseJsonObject(body) },
      };
    } catch (error) {
      if (tooLarge) return tooLargeOutcome();
      if (proxyUrl !== undefined && connectStatus === undefined && !isTimeout(error))
        return proxyOutcome(undefined, error);
      return { ok: false, failure: transportFailure(error) };
    }
  };
}

/**
 * The proxy, not the token server, failed: it could not be reached (no status), wants a password
 * (407), or refused to connect onwards (another status).
 */
function proxyOutcome(status: number | undefined, error?: unknown): HttpOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  const tls = typeof code === 'string' && TLS_CODES.has(code);
  const details: ErrorDetails = {
    messageKey:
      status === undefined ? (tls ? 'proxy_tls' : 'proxy_unreachable') : status === 407 ? 'proxy_auth' : 'proxy_error',
  };
  if (status !== undefined) details.httpStatus = status;
  if (typeof code === 'string') details.providerCode = code;
  return { ok: false, failure: failure('proxy_error', details) };
}

const isTimeout = (error: unknown) => (error as { code?: unknown } | null)?.code === 'ETIMEDOUT';

function tooLargeOutcome(): HttpOutcome {
  return {
    ok: false,
    failure: failure('bad_response', { messageKey: 'bad_response_too_large', retryable: false }),
  };
}

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Maps a thrown transport error to a failure, keeping only its code (never its message). */
export function transportFailure(error: unknown): Failure {
  // got's RequestError and Node's system errors both carry `code`; nothing else is read from them.
  const code = (error as { code?: unknown } | null)?.code;
  const details: ErrorDetails = {};
  if (typeof code === 'string') details.providerCode = code;
  if (code === 'ETIMEDOUT') return failure('timeout', details);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return failure('network_error', { ...details, messageKey: 'network_dns' });
  }
  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return failure('network_error', { ...details, messageKey: 'network_tls' });
  }
  return failure('network_error', details);
}
