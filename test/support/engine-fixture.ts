import type { HttpOutcome } from '../../main/core/http-client.ts';
import { createTokenService, type HttpSend, type Logger, type TokenServiceOptions } from '../../main/core/index.ts';
import { createAesGcmCipher } from './aes-gcm-cipher.ts';
import { type FakeServerOptions, startFakeTokenServer } from './fake-token-server.ts';
import { createTempStore } from './temp-store.ts';

export const API_KEY = 'test-api-key-0001';
export const SECRET_KEY = 'test-secret-key-0001';

/** A logger that keeps every line it is given, details included, as text a test can search. */
export function recordingLogger(lines: string[]): Logger {
  const record = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(details ?? {})}`);
  };
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

/** What a request gets when the network is down. */
export const OFFLINE: HttpOutcome = {
  ok: false,
  failure: { code: 'network_error', messageKey: 'network_error', retryable: true },
};

/** A network that is down: every request fails with network_error; the URLs asked for are kept in `seen`. */
export function offlineHttp(seen: string[] = []): HttpSend {
  return async (request) => {
    seen.push(request.url);
    return OFFLINE;
  };
}

/**
 * The engine wired as the app wires it, over real pieces: HTTP to the fake server on loopback,
 * a conf store in a temp folder, AES-256-GCM. Only the clock is a hand-driven fake.
 */
export async function createEngineFixture(
  serverOptions: FakeServerOptions = {},
  serviceOptions: Partial<TokenServiceOptions> = {},
) {
  let clock = Date.UTC(2026, 10, 30, 1, 0, 0);
  const serviceNow = serviceOptions.now;
  const server = await startFakeTokenServer({
    clients: { [API_KEY]: SECRET_KEY },
    // The server keeps the same time as the engine, so lifetimes and re-fetch rules line up.
    now: serviceNow ?? (() => clock),
    ...serverOptions,
  });
  const temp = createTempStore();
  const cipher = createAesGcmCipher();
  const logs: string[] = [];
  const make = (store = temp.store, overrides: Partial<TokenServiceOptions> = {}) =>
    createTokenService({
      store,
      cipher,
      now: () => clock,
      logger: recordingLogger(logs),
      random: () => 0.5,
      http: { timeoutMs: 2_000 },
      ...serviceOptions,
      ...overrides,
    });
  let service = make();

  return {
    server,
    temp,
    cipher,
    logs,
    get service() {
      return service;
    },
    now: () => clock,
    advance(ms: number) {
      clock += ms;
    },
    /** Closes the service and opens a new one over the same file, as an app restart does. */
    async restart(overrides: Partial<TokenServiceOptions> = {}) {
      await service.close();
      service = make(temp.open().store, overrides);
      return service;
    },
    baiduInput(extra: Record<string, unknown> = {}) {
      return {
        name: 'ERNIE dev',
        provider: 'baidu' as const,
        apiKey: API_KEY,
        secretKey: SECRET_KEY,
        tokenUrl: server.baiduUrl,
        ...extra,
      };
    },
    async dispose() {
      await service.close().catch(() => undefined);
      await server.close();
      temp.cleanup();
    },
  };
}

export type EngineFixture = Awaited<ReturnType<typeof createEngineFixture>>;
