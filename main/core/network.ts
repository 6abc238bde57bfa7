import type { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { createSecureContext, getCACertificates, rootCertificates, type SecureContext } from 'node:tls';

import { loadHttpsProxyAgent, loadSocksProxyAgent } from './lazy-packages.ts';

export { environmentResolver, routeFor } from './proxy-route.ts';

/**
 * How token requests reach the network: the agent that carries them (direct, HTTP CONNECT or
 * SOCKS) and the certificate authorities they trust. Loaded with got, on the first request.
 */

/**
 * Node builds a TLS context from the `ca` list on every connection (13 ms for ~260 authorities);
 * one context per trust set, handed to every connection instead, costs that once.
 */
let cachedContext: { key: string; context: SecureContext } | undefined;
export function trustContext(extra: readonly string[]): SecureContext {
  const key = extra.join('\n');
  if (cachedContext?.key !== key) {
    cachedContext = { key, context: createSecureContext({ ca: [...platformCertificates(), ...extra] }) };
  }
  return cachedContext.context;
}

/**
 * The agent for one request: direct, or tunnelled through `proxyUrl` (HTTP CONNECT or SOCKS).
 * Either way TLS to the token server is checked against `context`. `onConnect` hears the
 * proxy's answer to CONNECT (407 wants a password).
 */
export async function agentFor(
  proxyUrl: string | undefined,
  context: SecureContext,
  onConnect: (status: number) => void,
): Promise<Agent> {
  if (proxyUrl === undefined) return directAgent(context);
  if (new URL(proxyUrl).protocol.startsWith('socks')) {
    const { SocksProxyAgent } = await loadSocksProxyAgent();
    return new (withContext(SocksProxyAgent, context))(proxyUrl);
  }
  const { HttpsProxyAgent } = await loadHttpsProxyAgent();
  // An https:// proxy (TLS to the proxy itself) is checked against the same authorities.
  const agent = new (withContext(HttpsProxyAgent, context))(proxyUrl, { secureContext: context });
  agent.on('proxyConnect', (connect: { statusCode: number }) => onConnect(connect.statusCode));
  return agent;
}

/** Direct connections reuse their sockets (keep-alive), like Node's global agent; one agent per trust set. */
let direct: { context: SecureContext; agent: Agent } | undefined;
function directAgent(context: SecureContext): Agent {
  if (direct?.context !== context) {
    direct?.agent.destroy();
    direct = { context, agent: new TrustingAgent(context) };
  }
  return direct.agent;
}

class TrustingAgent extends HttpsAgent {
  readonly #context: SecureContext;
  constructor(context: SecureContext) {
    // Per host: token requests are capped at 8 by the engine; the gateway's calls (streams hold their
    // connection for minutes) share the pool, capped like upstream.ts's plain agent.
    super({ keepAlive: true, maxSockets: 1024 });
    this.#context = context;
  }
  override createConnection(options: object, callback?: (error: Error | null, socket: Duplex) => void) {
    // @ts-expect-error Node's typings omit the options type of https.Agent#createConnection.
    return super.createConnection({ ...options, secureContext: this.#context }, callback);
  }
}

/** Tunnel agents take the same context: the TLS to the token server runs inside the tunnel. */
type TunnelAgent = Agent & { connect(req: unknown, opts: object): unknown };
// biome-ignore lint/suspicious/noExplicitAny: a mixin's constructor must take any[] (TS2545).
function withContext<T extends new (...args: any[]) => TunnelAgent>(Base: T, context: SecureContext): T {
  return class extends Base {
    override connect(req: unknown, opts: object) {
      return super.connect(req, { ...opts, secureContext: context });
    }
  };
}

let platformAuthorities: readonly string[] | undefined;

/**
 * Node's bundled authorities and the operating system's (where a company CA installed by IT
 * lives), read once. Verification itself is never switched off.
 */
function platformCertificates(): readonly string[] {
  if (!platformAuthorities) {
    let system: string[] = [];
    try {
      system = getCACertificates('system');
    } catch {
      // An OS store Node cannot read is the same as an empty one.
    }
    const bundled = typeof getCACertificates === 'function' ? getCACertificates('bundled') : [...rootCertificates];
    platformAuthorities = [...new Set([...bundled, ...system])];
  }
  return platformAuthorities;
}
