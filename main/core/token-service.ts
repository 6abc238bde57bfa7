import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { failure, UnknownProfileError } from './errors.ts';
import { createHttpClient, type HttpClientOptions, type HttpSend } from './http-client.ts';
import { apiKeyHint, cleanKey, cleanSettings } from './profile-input.ts';
import { loadProfiles, type StoredProfile, saveProfiles } from './profile-store.ts';
import { toView } from './profile-view.ts';
import { PROVIDERS } from './providers/index.ts';
import type { Credentials, ProviderContext, ProviderResult } from './providers/provider.ts';
import { isDue, MIN_USABLE_MS, retryAtAfterFailure } from './refresh-policy.ts';
import type {
  Cipher,
  CredentialCheck,
  KeyValueStore,
  Logger,
  ProfileInput,
  ProfilePatch,
  ProfileStatus,
  ProfileView,
  StoreIssue,
} from './types.ts';

export interface TokenServiceOptions {
  store: KeyValueStore;
  cipher: Cipher;
  /** ms since epoch; defaults to Date.now. */
  now?: () => number;
  logger?: Logger;
  /** HTTP settings, or a ready transport. */
  http?: HttpClientOptions | HttpSend;
  /** Token requests in flight at once across all profiles. */
  maxConcurrentRequests?: number;
  /** Source of backoff jitter, in [0, 1). */
  random?: () => number;
  /** Token-state writes are batched for this long; profile edits are written at once. */
  saveDelayMs?: number;
  /** The user's default refresh margin for profiles without their own; undefined = automatic. */
  defaultRefreshMarginMs?: () => number | undefined;
}

export interface TokenService {
  /** Saves a profile (keys encrypted) and starts fetching its first token. */
  addProfile(input: ProfileInput): Promise<ProfileView>;
  /** Changes a profile; new keys, provider, URL or options discard the old token and refetch. */
  updateProfile(id: string, patch: ProfilePatch): Promise<ProfileView>;
  removeProfile(id: string): Promise<void>;
  /** Every profile as a secret-free view, in the order they were added. */
  listProfiles(): ProfileView[];
  getProfile(id: string): ProfileView | undefined;
  /**
   * Fetches a token now, ignoring backoff; failures land in `view.error`. `force` asks providers
   * that support it (WeChat stable_token) for a brand-new token that revokes the current one.
   */
  refresh(id: string, options?: { force?: boolean }): Promise<ProfileView>;
  /** A token valid for at least another minute, refreshing first if needed; main process only. */
  getToken(id: string): Promise<string | undefined>;
  /** Fetches a token with keys that are not saved yet (the form's "Test" button); saves nothing. */
  testCredentials(input: ProfileInput): Promise<CredentialCheck>;
  /** Refreshes every profile that is due; call it on every tick and on resume. */
  checkDue(): Promise<void>;
  onChange(listener: (views: ProfileView[]) => void): () => void;
  /** Problems found while loading the store, for the shell to show once. */
  storeIssues(): StoreIssue[];
  /** Waits for requests in flight, writes pending state and stops emitting. */
  close(): Promise<void>;
}

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

  /** Decrypts, and stores a re-encrypted copy when the cipher says its key was rotated. */
  async function decryptStored(stored: string, replace: (fresh: string) => void): Promise<string> {
    if (!cipher.decryptWithRotation) return cipher.decrypt(stored);
    const { plain, replacement } = await cipher.decryptWithRotation(stored);
    if (replacement !== undefined) {
      replace(replacement);
      saveSoon();
    }
    return plain;
  }

  async function readCredentials(record: StoredProfile): Promise<Credentials | undefined> {
    const secrets = record.secrets;
    try {
      const [apiKey, secretKey] = await Promise.all([
        decryptStored(secrets.apiKey, (fresh) => {
          secrets.apiKey = fresh;
        }),
        decryptStored(secrets.secretKey, (fresh) => {
          secrets.secretKey = fresh;
        }),
      ]);
      return { apiKey, secretKey };
    } catch {
      return undefined;
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

    const credentials = await readCredentials(record);
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
      const value = await cipher.encrypt(accessToken);
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

  async function usableToken(record: StoredProfile): Promise<string | undefined> {
    const token = record.token;
    if (!token) return undefined;
    if (token.expiresAt !== undefined && token.expiresAt - now() < MIN_USABLE_MS) return undefined;
    try {
      return await decryptStored(token.value, (fresh) => {
        token.value = fresh;
      });
    } catch {
      // The keychain no longer opens it; a fresh token replaces it.
      if (record.token === token) record.token = undefined;
      log.warn('stored token cannot be decrypted', { profile: record.id });
      return undefined;
    }
  }

  async function encryptKeys(apiKey: string, secretKey: string): Promise<StoredProfile['secrets']> {
    const [a, s] = await Promise.all([cipher.encrypt(apiKey), cipher.encrypt(secretKey)]);
    return { apiKey: a, secretKey: s };
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
        secrets: await encryptKeys(apiKey, secretKey),
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
        apiKey === undefined ? record.secrets.apiKey : cipher.encrypt(apiKey),
        secretKey === undefined ? record.secrets.secretKey : cipher.encrypt(secretKey),
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
      const token = await usableToken(mustGet(id));
      if (token !== undefined) return token;
      await refresh(id);
      const record = records.get(id);
      return record ? usableToken(record) : undefined;
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
