import type { Agent, ClientRequest, OutgoingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { HttpClientOptions } from './http-client.ts';
import type { ProxyChoice } from './proxy-route.ts';

// node:http through require: its ES namespace costs start-up time (see api-server.ts).
const load = createRequire(import.meta.url);

/** Connections at once per upstream host: the gateway's concurrency cap towards one API (streams hold theirs). */
export const UPSTREAM_SOCKETS_PER_HOST = 1024;

export interface UpstreamInit {
  method: string;
  headers: OutgoingHttpHeaders;
  signal: AbortSignal;
}

/** Opens a request to an API origin (the caller writes the body and reads the answer). */
export type OpenUpstream = (url: URL, init: UpstreamInit, proxy?: ProxyChoice) => Promise<ClientRequest>;

let plain: Agent | undefined;

/**
 * Requests to provider APIs (the gateway), on the same network rules as token requests: the
 * system's or the profile's proxy, the trusted authorities, TLS always verified, kept-alive
 * connections per upstream. Plain http:// reaches loopback only (profiles refuse anything else).
 */
export function createUpstreamOpener(options: HttpClientOptions = {}): OpenUpstream {
  return async (url, init, proxy) => {
    const network = await import('./network.ts');
    const resolve = options.resolveProxy ?? network.environmentResolver;
    const proxyUrl = await network.routeFor(url.href, proxy, resolve);
    const context = network.trustContext(options.extraCertificates?.() ?? []);
    const http = load('node:http') as typeof import('node:http');
    let agent: Agent;
    if (url.protocol === 'http:' && proxyUrl === undefined) {
      plain ??= new http.Agent({ keepAlive: true, maxSockets: UPSTREAM_SOCKETS_PER_HOST });
      agent = plain;
    } else {
      agent = await network.agentFor(proxyUrl, context, () => undefined);
    }
    const transport = url.protocol === 'https:' ? (load('node:https') as typeof import('node:https')) : http;
    return transport.request(url, { method: init.method, headers: init.headers, agent, signal: init.signal });
  };
}
