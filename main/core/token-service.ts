import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { failure, UnknownProfileError } from './errors.ts';
import { createHttpClient } from './http-client.ts';
import { apiKeyHint, cleanKey, cleanSettings } from './profile-input.ts';
import { loadProfiles, type StoredProfile, saveProfiles } from './profile-store.ts';
import { toView } from './profile-view.ts';
import { PROVIDERS } from './providers/index.ts';
import type { Credentials, ProviderContext, ProviderResult } from './providers/provider.ts';
import { isDue, retryAtAfterFailure } from './refresh-policy.ts';
import { createSecretBox } from './secret-box.ts';
import type { TokenService, TokenServiceOptions } from './token-service-api.ts';
import type { Logger, ProfileStatus, ProfileView } from './types.ts';

const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Creates the engine over a key-value store and a cipher. */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { store, cipher } = options;
  const now = options.now ?? Date.now;
  const log = options.logger ?? silentLogger;
  const send = typeof options.http === 'function' ? options.http : createHttpClient(options.http);
  const limit = pLimit(options.maxConcurrentRequests ?? 4);
  const saveDelayMs = options.saveDelayMs ?? 200;

  const loaded = loadProfiles(store, now());
  const records = new Map(loaded.profiles.map((p) => [p.id, p]));
  const inflight = new Map<string, Promise<void>>();
  /** Bumped when a profile's keys change or it is removed, so a stale result is dropped. */
  const generations = new Map<string, number>();
  const listeners = new Set<(views: ProfileView[]) => void>();
  const lastStatuses = new Map<string, ProfileStatus>();
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  for (const issue of loaded.issues) log.warn('store problem', { kind: issue.kind });
  const secrets = createSecretBox(cipher, log, () => saveSoon());

  function saveNow(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    saveProfiles(store, [...records.values()]);
  }

  function saveSoon(): void {
    if (closed) saveNow();
    else saveTimer ??= setTimeout(saveNow, saveDelayMs);
  }

  function mustGet(id: string): StoredProfile {
    const record = records.get(id);
    if (!record) throw new UnknownProfileError(id);
    return record;
  }

  /**
   * The profile as the refresh policy sees it: its own margin, else the user's default, capped
   * by the provider's window (refreshing earlier would only return the same token).
   */
  function policyState(record: StoredProfile): StoredProfile & { refreshMarginCapMs?: number } {
    const margin = record.refreshMarginMs ?? options.defaultRefreshMarginMs?.();
    const cap = PROVIDERS[record.provider].refreshWindowMs?.(record.options);
    if (margin === undefined && cap === undefined) return record;
    return {
      ...record,
      ...(margin === undefined ? {} : { refreshMarginMs: margin }),
      ...(cap === undefined ? {} : { refreshMarginCapMs: cap }),
    };
  }

  function viewOf(record: StoredProfile): ProfileView {
    const view = toView(policyState(record), now(), inflight.has(record.id));
    if (record.refreshMarginMs === undefined) delete view.refreshMarginMs;
    return view;
  }

  function listProfiles(): ProfileView[] {
    return [...records.values()].map(viewOf);
  }

  function emit(): void {
    if (closed) return;
    const views = listProfiles();
    lastStatuses.clear();
    for (const view of views) lastStatuses.set(view.id, view.status);
    for (const listener of listeners) {
      try {
        listener(views);
      } catch (error) {
        log.error('change listener failed', { error: error instanceof Error ? error.name : 'unknown' });
      }
    }
  }

  async function fetchToken(
    record: Pick<StoredProfile, 'provider' | 'tokenUrl' | 'options'>,
    credentials: Credentials,
    force = false,
  ) {
    const provider = PROVIDERS[record.provider];
    const context: ProviderContext = {
      tokenUrl: record.tokenUrl ?? provider.defaultTokenUrl(record.options) ?? '',
      options: record.options,
      now: now(),
      force,
    };
    const outcome = await limit(() => send(provider.buildRequest(credentials, context)));
    const result: ProviderResult = outcome.ok
      ? provider.interpret(outcome.response, credentials, context)
      : { ok: false, failure: outcome.failure };
    return result;
  }

  async function runRefresh(id: string, force: boolean): Promise<void> {
    const record = mustGet(id);
    const generation = generations.get(id) ?? 0;
    const stale = () => records.get(id) !== record || (generations.get(id) ?? 0) !== generation;

    const credentials = await secrets.readCredentials(record);
    if (stale()) return;
    if (!credentials) {
      record.needsCredentials = true;
      record.lastError = { ...failure('credentials_unreadable'), at: now() };
      record.retryAt = undefined;
      log.warn('stored keys cannot be decrypted', { profile: id });
      saveNow();
      return;
    }
    const startedAt = now();
    const result = await fetchToken(record, credentials, force);
    if (stale()) return;
    if (result.ok) {
      const { accessToken, expiresInMs, expiresAt } = result.grant;
      const value = await secrets.seal(accessToken);
      if (stale()) return;
      // Expiry counts from when the request left, so a slow answer never overstates the lifetime.
      record.token = {
        value,
        obtainedAt: now(),
        ...(expiresAt !== undefined
          ? { expiresAt }
          : expiresInMs === undefined
            ? {}
            : { expiresAt: startedAt + expiresInMs }),
      };
      const recovered = record.consecutiveFailures > 0;
      record.consecutiveFailures = 0;
      record.lastError = undefined;
      record.retryAt = undefined;
      log.info(recovered ? 'token refreshed after failures' : 'token refreshed', {
        profile: id,
        expiresAt: record.token.expiresAt,
      });
    } else {
      const at = now();
      record.consecutiveFailures += 1;
      record.lastError = { ...result.failure, at };
      record.retryAt = retryAtAfterFailure(at, record.consecutiveFailures, result.failure, options.random);
      log.warn('token refresh failed', {
        profile: id,
        code: result.failure.code,
        providerCode: result.failure.providerCode,
        httpStatus: result.failure.httpStatus,
        failures: record.consecutiveFailures,
      });
    }
    saveSoon();
  }

  function refresh(id: string, refreshOptions: { force?: boolean } = {}): Promise<ProfileView> {
    if (closed) return Promise.reject(new Error('The token service is closed'));
    const record = mustGet(id);
    const force =
      refreshOptions.force === true && PROVIDERS[record.provider].supportsForceRefresh?.(record.options) === true;
    let running = inflight.get(id);
    if (!running) {
      running = runRefresh(id, force)
        .catch((error: unknown) => {
          log.error('refresh crashed', { profile: id, error: error instanceof Error ? error.name : 'unknown' });
        })
        .finally(() => {
          inflight.delete(id);
          emit();
        });
      inflight.set(id, running);
      emit();
    }
    return running.then(() => {
      const record = records.get(id);
      if (!record) throw new UnknownProfileError(id);
      return viewOf(record);
    });
  }

  function startRefresh(id: string): void {
    refresh(id).catch(() => {
      // Removed while fetching: nothing to report.
    });
  }

  return {
    async addProfile(input) {
      const settings = cleanSettings(input, now());
      const apiKey = cleanKey('apiKey', input.apiKey);
      const secretKey = cleanKey('secretKey', input.secretKey);
      const record: StoredProfile = {
        id: randomUUID(),
        ...settings,
        apiKeyHint: apiKeyHint(apiKey),
        createdAt: now(),
        secrets: await secrets.sealKeys(apiKey, secretKey),
        needsCredentials: false,
        consecutiveFailures: 0,
      };
      records.set(record.id, record);
      saveNow();
      log.info('profile added', { profile: record.id, provider: record.provider });
      startRefresh(record.id);
      return viewOf(record);
    },

    async updateProfile(id, patch) {
      const record = mustGet(id);
      const { refreshMarginMs, ...rest } = patch;
      const merged = { ...record, ...rest };
      if (refreshMarginMs === null) delete merged.refreshMarginMs;
      else if (refreshMarginMs !== undefined) merged.refreshMarginMs = refreshMarginMs;
      const settings = cleanSettings(
        { ...merged, tokenUrl: 'tokenUrl' in patch ? patch.tokenUrl : record.tokenUrl },
        now(),
      );
      const apiKey = patch.apiKey === undefined ? undefined : cleanKey('apiKey', patch.apiKey);
      const secretKey = patch.secretKey === undefined ? undefined : cleanKey('secretKey', patch.secretKey);
      const [encApiKey, encSecretKey] = await Promise.all([
        apiKey === undefined ? record.secrets.apiKey : secrets.seal(apiKey),
        secretKey === undefined ? record.secrets.secretKey : secrets.seal(secretKey),
      ]);
      if (records.get(id) !== record) throw new UnknownProfileError(id);
      const endpointChanged =
        apiKey !== undefined ||
        secretKey !== undefined ||
        settings.provider !== record.provider ||
        settings.tokenUrl !== record.tokenUrl ||
        JSON.stringify(settings.options) !== JSON.stringify(record.options);
      const { tokenUrl: _url, refreshMarginMs: _margin, cron: _cron, ...kept } = record;
      const updated: StoredProfile = { ...kept, ...settings };
      updated.secrets = { apiKey: encApiKey, secretKey: encSecretKey };
      if (apiKey !== undefined) updated.apiKeyHint = apiKeyHint(apiKey);
      if (endpointChanged) {
        // The old token may belong to other keys or another server: start over.
        generations.set(id, (generations.get(id) ?? 0) + 1);
        updated.token = undefined;
        updated.lastError = undefined;
        updated.retryAt = undefined;
        updated.consecutiveFailures = 0;
        updated.needsCredentials = false;
      }
      records.set(id, updated);
      saveNow();
      log.info('profile updated', { profile: id, refetch: endpointChanged });
      if (endpointChanged) startRefresh(id);
      else emit();
      return viewOf(updated);
    },

    async removeProfile(id) {
      mustGet(id);
      records.delete(id);
      generations.set(id, (generations.get(id) ?? 0) + 1);
      saveNow();
      log.info('profile removed', { profile: id });
      emit();
    },

    listProfiles,

    getProfile(id) {
      const record = records.get(id);
      return record ? viewOf(record) : undefined;
    },

    refresh,

    async getToken(id) {
      const token = await secrets.usableToken(mustGet(id), now());
      if (token !== undefined) return token;
      await refresh(id);
      const record = records.get(id);
      return record ? secrets.usableToken(record, now()) : undefined;
    },

    async testCredentials(input) {
      const settings = cleanSettings(input, now());
      const credentials = {
        apiKey: cleanKey('apiKey', input.apiKey),
        secretKey: cleanKey('secretKey', input.secretKey),
      };
      const result = await fetchToken(settings, credentials);
      if (!result.ok) return { ok: false, error: { ...result.failure, at: now() } };
      const { expiresInMs, expiresAt } = result.grant;
      const lifetime = expiresAt === undefined ? expiresInMs : expiresAt - now();
      return lifetime === undefined ? { ok: true } : { ok: true, expiresInMs: lifetime };
    },

    async checkDue() {
      if (closed) return;
      const at = now();
      const due = [...records.values()].filter((r) => !inflight.has(r.id) && isDue(policyState(r), at));
      const statusChanged = [...records.values()].some((r) => lastStatuses.get(r.id) !== viewOf(r).status);
      if (due.length === 0) {
        if (statusChanged) emit();
        return;
      }
      await Promise.all(due.map((r) => refresh(r.id).catch(() => undefined)));
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    storeIssues: () => [...loaded.issues],

    async close() {
      if (closed) return;
      await Promise.all([...inflight.values()]);
      closed = true;
      listeners.clear();
      if (saveTimer) saveNow();
    },
  };
}
