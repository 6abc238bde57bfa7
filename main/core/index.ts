/** The engine's public surface. Nothing below main/core may import electron. */
export { type ErrorMessageKey, ProfileInputError, RETRYABLE, UnknownProfileError } from './errors.ts';
export { createHttpClient, type HttpClientOptions, type HttpSend } from './http-client.ts';
export { PROVIDER_IDS, PROVIDERS, type TokenUsage } from './providers/index.ts';
export * from './refresh-policy.ts';
export { DEFAULT_TICK, type RefreshTick, startRefreshTick } from './refresh-tick.ts';
export { type OpenedStore, openStoreSafely } from './store-file.ts';
export { StoreWriteError } from './store-writer.ts';
export { createTokenService } from './token-service.ts';
export type { TokenService, TokenServiceOptions } from './token-service-api.ts';
export type * from './types.ts';
