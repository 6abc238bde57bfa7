/**
 * The engine's public entry: what the desktop shell, the CLI, the server and outside checks build
 * on. Nothing below main/core imports Electron, a shell module or the window (the linter enforces it).
 */

export { readAuthorities } from './authorities.ts';
export { ProfileInputError, UnknownProfileError } from './errors.ts';
export { apiOriginsOf, parseApiOrigins } from './gateway-origins.ts';
export { createHttpClient, type HttpClientOptions, type HttpSend, transportFailure } from './http-client.ts';
export { providerFacts } from './providers/facts.ts';
export { CATALOGUE, isProviderId, PROVIDER_IDS, PROVIDERS } from './providers/index.ts';
export { environmentResolver, type ProxyChoice, type ProxyResolver, proxyUrlFromPac } from './proxy-route.ts';
export { type RefreshTick, startRefreshTick } from './refresh-tick.ts';
export { secretForms } from './secret-scrub.ts';
export { type OpenedStore, openStoreSafely } from './store-file.ts';
export { StoreWriteError } from './store-writer.ts';
export type { RedisTeamOptions } from './team/redis-team.ts';
export { newTeamKey, parseTeamKey, TeamKeyError } from './team/team-key.ts';
export type { SharedToken, TeamConnection, TeamPort, TeamRole } from './team/team-port.ts';
export { TeamUnavailableError } from './team/team-port.ts';
export { isTeamUrl } from './team/team-url.ts';
export { formatToken, placeToken, powershellQuote, shellQuote } from './token-placement.ts';
export { createTokenService } from './token-service.ts';
export type {
  EngineObserver,
  GatewayUpstream,
  KeysUnavailable,
  ProfileName,
  RefreshEvent,
  TeamStatus,
  TokenService,
  TokenServiceOptions,
} from './token-service-api.ts';
export { openKeys, previewEntries, readExportFile, TransferError } from './transfer.ts';

/** Team mode on Redis; loads the Redis client only when a team is configured. */
export async function createRedisTeam(options: import('./team/redis-team.ts').RedisTeamOptions) {
  const { createRedisTeam: create } = await import('./team/redis-team.ts');
  return create(options);
}
export type * from './types.ts';
