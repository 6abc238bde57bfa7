import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerOf, sameSecret } from '../api/api-guard.ts';
import type { GatewayUpstream } from '../core/index.ts';
import { GatewayRefusal, readHead } from './body.ts';
import type { GatewayClient, GatewayDeps } from './gateway.ts';
import type { GatewayTarget } from './request-target.ts';
import type { Emulated } from './token-endpoints.ts';

/** Tokens remembered per profile as current or just replaced: an SDK holding one may call with it. */
const TOKENS_REMEMBERED = 2;
/** A token endpoint's request is a few fields. */
const TOKEN_REQUEST_BYTES = 8 * 1024;

/**
 * Who calls the gateway, and the provider token endpoints it answers itself: client keys, the
 * tokens SDKs got from it, and the app id / secret pairs SDKs present.
 */
export function createGatewayCallers(deps: Pick<GatewayDeps, 'service' | 'clients' | 'failedAuth' | 'now'>) {
  const { service } = deps;
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
    const presented = emulated.read(query, Buffer.concat(chunks).toString('utf8'), request.headers, {
      method: request.method ?? 'GET',
      path,
      now: deps.now(),
    });
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
    const { signedWith } = presented;
    const client = !appOk
      ? undefined
      : signedWith
        ? deps.clients().find((candidate) => signedWith(candidate.key))
        : clientByKey(presented.secret);
    if (!appOk || !client || !mayUse(client, profile)) {
      if (deps.failedAuth() === 'too_many_attempts') throw new GatewayRefusal('too_many_attempts');
      reply(emulated.refused(appOk ? 'secret' : 'app', path));
      return;
    }
    const token = await currentToken(profile.id);
    const expiresAt = service.getProfile(profile.id)?.expiresAt;
    // The remaining lifetime, so the SDK asks again in time (and gets the shared token again).
    const expiresIn = expiresAt === undefined ? 7200 : Math.max(0, Math.floor((expiresAt - deps.now()) / 1000));
    reply(emulated.ok(token, expiresIn, path, deps.now()));
  }

  return { currentToken, authenticate, answerTokenRequest };
}
