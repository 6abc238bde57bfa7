import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { ProfileInputError, UnknownProfileError } from './errors.ts';
import { createHttpClient } from './http-client.ts';
import { apiKeyHint, cleanKey, cleanSettings, endpointOrigin, tokenEndpoint } from './profile-input.ts';
import { loadProfiles, type StoredProfile, saveProfiles } from './profile-store.ts';
import { toView } from './profile-view.ts';
import { PROVIDERS } from './providers/index.ts';
import { isDue } from './refresh-policy.ts';
import { createRefreshRunner } from './refresh-runner.ts';
import { createSecretBox } from './secret-box.ts';
import { createStoreWriter } from './store-writer.ts';
import type { TokenService, TokenServiceOptions } from './token-service-api.ts';
import type { Logger, ProfileStatus, ProfileView } from './types.ts';

const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Creates the engine over a key-value store and a cipher. */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { store, cipher } = options;
  const now = options.now ?? Date.now;
  const log = options.logger ?? silentLogger;
  const send = typeof options.http === 'function' ? options.http : createHttpClient(options.http);

  const loaded = loadProfiles(store, now());
  const records = new Map(loaded.profiles.map((p) => [p.id, p]));
  const listeners = new Set<(views: ProfileView[]) => void>();
  const lastStatuses = new Map<string, ProfileStatus>();
  const shutdown = new AbortController();
  let closing: Promise<void> | undefined;
  let closed = false;

  for (const issue of loaded.issues) log.warn('store problem', { kind: issue.kind });
  const writer = createStoreWriter({
    write: () => saveProfiles(store, [...records.values()]),
    onHealthChange: () => emit(),
    logger: log,
  });
  /** Token state: a failed write keeps it in memory, is retried and shown as a store issue. */
  const persist = () => writer.commit().catch(() => undefined);
  const secrets = createSecretBox(cipher, log, () => void persist());
  const runner = createRefreshRunner({
    records,
    secrets,
    send,
    limit: pLimit(options.maxConcurrentRequests ?? 4),
    now,
    log,
    ...(options.random ? { random: options.random } : {}),
    signal: shutdown.signal,
    persist,
    emit,
  });

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
    const view = toView(policyState(record), now(), runner.isRefreshing(record.id));
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

  function assertOpen(): void {
    if (closing) throw new Error('The token service is closed');
  }

  /**
   * Saves an edit before confirming it. When the disk refuses, the edit is undone in memory too,
   * so what the user sees is what is saved, and the error reaches the caller.
   */
  async function commitEdit(undo: () => void): Promise<void> {
    try {
      await writer.commit();
    } catch (error) {
      undo();
      emit();
      throw error;
    }
  }

  function refresh(id: string, refreshOptions: { force?: boolean } = {}): Promise<ProfileView> {
    if (closing) return Promise.reject(new Error('The token service is closed'));
    const record = mustGet(id);
    const force =
      refreshOptions.force === true && PROVIDERS[record.provider].supportsForceRefresh?.(record.options) === true;
    return runner.refresh(id, force).then(() => viewOf(mustGet(id)));
  }

  function startRefresh(id: string): void {
    refresh(id).catch(() => {
      // Removed while fetching, or closing: nothing to report.
    });
  }

  return {
    async addProfile(input) {
      assertOpen();
      const settings = cleanSettings(input, now());
      const apiKey = cleanKey('apiKey', input.apiKey, settings.provider);
      const secretKey = cleanKey('secretKey', input.secretKey, settings.provider);
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
      await commitEdit(() => {
        if (records.get(record.id) === record) records.delete(record.id);
      });
      log.info('profile added', { profile: record.id, provider: record.provider });
      startRefresh(record.id);
      return viewOf(record);
    },

    async updateProfile(id, patch) {
      assertOpen();
      const record = mustGet(id);
      const { refreshMarginMs, ...rest } = patch;
      const merged = { ...record, ...rest };
      if (refreshMarginMs === null) delete merged.refreshMarginMs;
      else if (refreshMarginMs !== undefined) merged.refreshMarginMs = refreshMarginMs;
      const settings = cleanSettings(
        { ...merged, tokenUrl: 'tokenUrl' in patch ? patch.tokenUrl : record.tokenUrl },
        now(),
      );
      const apiKey = patch.apiKey === undefined ? undefined : cleanKey('apiKey', patch.apiKey, settings.provider);
      const secretKey =
        patch.secretKey === undefined ? undefined : cleanKey('secretKey', patch.secretKey, settings.provider);
      // Stored keys only ever go where the user sent them: another server, or another provider,
      // gets them only when the user types them again.
      const newDestination =
        settings.provider !== record.provider ||
        endpointOrigin(tokenEndpoint(settings)) !== endpointOrigin(tokenEndpoint(record));
      if (newDestination && (apiKey === undefined || secretKey === undefined)) {
        throw new ProfileInputError(apiKey === undefined ? 'apiKey' : 'secretKey', 'keys_required_new_destination');
      }
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
        runner.invalidate(id);
        updated.token = undefined;
        updated.lastError = undefined;
        updated.retryAt = undefined;
        updated.consecutiveFailures = 0;
        updated.needsCredentials = false;
      }
      records.set(id, updated);
      await commitEdit(() => {
        if (records.get(id) === updated) records.set(id, record);
      });
      log.info('profile updated', { profile: id, refetch: endpointChanged });
      if (endpointChanged) startRefresh(id);
      else emit();
      return viewOf(updated);
    },

    async removeProfile(id) {
      assertOpen();
      const record = mustGet(id);
      const order = [...records.keys()];
      records.delete(id);
      runner.invalidate(id);
      await commitEdit(() => {
        // Put it back where it was, so the list keeps its order.
        const current = new Map(records);
        records.clear();
        for (const key of order) {
          const kept = key === id ? record : current.get(key);
          if (kept) records.set(key, kept);
        }
        for (const [key, value] of current) if (!records.has(key)) records.set(key, value);
      });
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
      assertOpen();
      const settings = cleanSettings(input, now());
      const credentials = {
        apiKey: cleanKey('apiKey', input.apiKey, settings.provider),
        secretKey: cleanKey('secretKey', input.secretKey, settings.provider),
      };
      const result = await runner.fetchToken(settings, credentials);
      if (!result.ok) return { ok: false, error: { ...result.failure, at: now() } };
      const { expiresInMs, expiresAt } = result.grant;
      const lifetime = expiresAt === undefined ? expiresInMs : expiresAt - now();
      return lifetime === undefined ? { ok: true } : { ok: true, expiresInMs: lifetime };
    },

    async checkDue() {
      if (closing) return;
      const at = now();
      const due = [...records.values()].filter((r) => !runner.isRefreshing(r.id) && isDue(policyState(r), at));
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

    storeIssues() {
      const failing = writer.issue();
      return failing ? [...loaded.issues, failing] : [...loaded.issues];
    },

    close() {
      closing ??= (async () => {
        // Requests in flight are abandoned, not awaited: quitting must not wait on a slow server.
        shutdown.abort();
        await runner.settle();
        closed = true;
        listeners.clear();
        writer.flush();
      })();
      return closing;
    },
  };
}
