import { createHash, timingSafeEqual } from 'node:crypto';
import pLimit from 'p-limit';
import { loadCronParser } from './cron-schedule.ts';
import { apiOriginsOf } from './gateway-origins.ts';
import { createHttpClient } from './http-client.ts';
import { proxyWithPassword } from './profile-input.ts';
import { ProfileRecords } from './profile-records.ts';
import { createProfileRegistry } from './profile-registry.ts';
import { loadProfiles, type StoredProfile, saveProfiles } from './profile-store.ts';
import { refreshStateOf, toView } from './profile-view.ts';
import { providerFacts, tokenEndpoint } from './providers/facts.ts';
import { isDue } from './refresh-policy.ts';
import { createRefreshRunner } from './refresh-runner.ts';
import { createSecretBox } from './secret-box.ts';
import { JOURNAL_MIN_BYTES, openStoreJournal, replayJournal } from './store-journal.ts';
import { createStoreWriter } from './store-writer.ts';
import { LOCK_LOST, type TeamPort } from './team/team-port.ts';
import type { TokenService, TokenServiceOptions } from './token-service-api.ts';
import { exportRecords } from './transfer.ts';
import type { Logger, ProfileStatus, ProfileView } from './types.ts';
import { createUpstreamOpener } from './upstream.ts';

const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Token requests in flight at once to one host, unless the caller says otherwise. */
export const DEFAULT_REQUESTS_PER_HOST = 8;

/**
 * A concurrency cap per token host: polite to each provider, while profiles of different
 * providers (or a private gateway) refresh side by side.
 */
function perHostLimit(cap: number) {
  const limits = new Map<string, ReturnType<typeof pLimit>>();
  return <T>(host: string, run: () => Promise<T> | T): Promise<T> => {
    let limit = limits.get(host);
    if (!limit) {
      limit = pLimit(cap);
      limits.set(host, limit);
    }
    const done = limit(run);
    // A host nobody is waiting on is forgotten, so the map does not grow with every URL ever used.
    void done
      .finally(() => {
        if (limit.activeCount === 0 && limit.pendingCount === 0) limits.delete(host);
      })
      .catch(() => undefined);
    return done;
  };
}

/** Creates the engine over a key-value store and a cipher. */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { store, cipher } = options;
  const now = options.now ?? Date.now;
  const log = options.logger ?? silentLogger;
  const send = typeof options.http === 'function' ? options.http : createHttpClient(options.http);
  const openUpstream = createUpstreamOpener(typeof options.http === 'function' ? {} : options.http);

  const loaded = loadProfiles(store, now());
  const records = new ProfileRecords();
  for (const profile of loaded.profiles) records.set(profile.id, profile);
  const listeners = new Set<(views: ProfileView[]) => void>();
  const lastStatuses = new Map<string, ProfileStatus>();
  const shutdown = new AbortController();
  let closing: Promise<void> | undefined;
  let closed = false;

  const journal = options.journalFile ? openStoreJournal(options.journalFile) : undefined;
  /** Records changed since the last write (a journal line each), or the whole store to rewrite. */
  const dirty = new Set<string>();
  let rewrite = false;
  if (journal) rewrite = replayJournal(journal, records, store, loaded.issues, now());
  for (const issue of loaded.issues) log.warn('store problem', { kind: issue.kind });
  const writer = createStoreWriter({
    write: () => {
      // Each write raises the revision of what it writes: a journal line applies only over older.
      const bump = (record: StoredProfile) => {
        record.rev = (record.rev ?? 0) + 1;
        return record;
      };
      if (journal && !rewrite && journal.bytes() < Math.max(JOURNAL_MIN_BYTES, records.size * 1024)) {
        journal.append([...dirty].flatMap((id) => records.get(id) ?? []).map(bump));
      } else {
        saveProfiles(store, [...records.values()].map(bump));
        journal?.reset();
      }
      dirty.clear();
      rewrite = false;
    },
    onHealthChange: () => emit(),
    logger: log,
  });
  /** Token state: a failed write keeps it in memory, is retried and shown as a store issue. */
  const persist = (id?: string) => {
    if (id === undefined) rewrite = true;
    else dirty.add(id);
    return writer.commit().catch(() => undefined);
  };
  // A journal read back at start is folded into the store at once.
  if (rewrite) void persist();
  const secrets = createSecretBox(cipher);
  let team: TeamPort | undefined;
  let detachTeam: () => void = () => undefined;
  const runner = createRefreshRunner({
    records,
    secrets,
    send,
    limit: perHostLimit(options.maxConcurrentRequests ?? DEFAULT_REQUESTS_PER_HOST),
    now,
    log,
    ...(options.random ? { random: options.random } : {}),
    signal: shutdown.signal,
    persist,
    emit,
    team: () => team,
    ...(options.observer?.refreshed ? { observe: options.observer.refreshed } : {}),
    canWait: (record, token) =>
      !isDue({ ...stateOf(record), token, lastError: undefined, retryAt: undefined, needsCredentials: false }, now()),
  });
  const registry = createProfileRegistry({
    records,
    secrets,
    // An edit (add, change, remove) rewrites the store: the journal holds refreshes only.
    writer: {
      ...writer,
      commit: () => {
        rewrite = true;
        return writer.commit();
      },
    },
    now,
    log,
    invalidate: runner.invalidate,
    startRefresh: (id) => void refresh(id).catch(() => undefined),
    emit,
  });

  const hasSchedules = () => [...records.values()].some((record) => record.cron !== undefined);
  // Schedules need cron-parser; it loads after start-up, and the views are drawn again once it has.
  if (hasSchedules()) void loadCronParser().then(() => emit());

  const stateOf = (record: StoredProfile) => refreshStateOf(record, options.defaultRefreshMarginMs?.());
  const viewOf = (record: StoredProfile) => toView(record, stateOf(record), now(), runner.isRefreshing(record.id));
  const listProfiles = () => [...records.values()].map(viewOf);

  /**
   * Tells listeners once for every change made in the same turn: a thousand refreshes finishing
   * together draw the views once each turn, not a thousand times (which was quadratic).
   */
  let emitQueued = false;
  function emit(): void {
    if (closed || emitQueued) return;
    emitQueued = true;
    queueMicrotask(() => {
      emitQueued = false;
      emitNow();
    });
  }

  function emitNow(): void {
    // Nobody listening (a server): no views to draw, thousands of times over.
    if (closed || listeners.size === 0) return;
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

  async function refresh(
    id: string,
    refreshOptions: { force?: boolean; rejectedToken?: string } = {},
  ): Promise<ProfileView> {
    if (closing) throw new Error('The token service is closed');
    const record = registry.mustGet(id);
    const force = refreshOptions.force === true && providerFacts(record.provider, record.options).forceRefresh;
    const rejected = refreshOptions.rejectedToken;
    // A token already replaced (by an earlier report or another refresh) needs no new one.
    if (rejected !== undefined && !(record.shared && team)) {
      const current = await usableToken(record);
      if (current !== undefined && current !== rejected) return viewOf(registry.mustGet(id));
    }
    await runner.refresh(id, force, rejected);
    return viewOf(registry.mustGet(id));
  }

  /** Listens to a team: another member's token is taken at once; connection changes redraw. */
  function attachTeam(next: TeamPort): () => void {
    // Every notice is acted on, even while this profile's own refresh runs: a member whose fetch
    // outlived its lock serves the newer generation at once, and a reader that read the slot just
    // before the write still takes it (keeping refuses anything older than what the profile holds).
    const offUpdate = next.onUpdate((slot) => {
      for (const id of runner.team.profilesOf(slot)) {
        runner.team
          .adopt(id)
          .then((kept) => (kept ? persist(id).then(emit) : undefined))
          .catch(() => undefined);
      }
    });
    const offConnection = next.onConnection((state) => {
      emit();
      if (state !== 'connected') return;
      // Back in touch: take whatever the team wrote meanwhile, and retry what waited for the team.
      void learnSlots().then(() => {
        for (const record of records.values()) {
          if (record.shared && record.lastError?.code === 'team_unavailable')
            void refresh(record.id).catch(() => undefined);
        }
      });
    });
    void learnSlots();
    return () => {
      offUpdate();
      offConnection();
    };
  }

  /** Opens each shared profile's keys once to know its slot, and takes the team's newer tokens. */
  async function learnSlots(): Promise<void> {
    for (const record of [...records.values()]) {
      if (!record.shared || !team || closing) continue;
      if (!runner.team.knows(record.id)) {
        const opened = await secrets.readCredentials(record.secrets);
        if (opened) runner.team.learn(record, opened.credentials);
      }
      const kept = await runner.team.adopt(record.id).catch(() => false);
      if (kept) await persist(record.id);
    }
    emit();
  }

  async function setTeam(next: TeamPort | undefined): Promise<void> {
    // A team that arrives after quitting began is closed, not joined.
    if (closing) {
      await next?.close();
      return;
    }
    detachTeam();
    const previous = team;
    team = next;
    runner.team.forgetAll();
    // Generations count per team: another team's numbers must not read as a rollback.
    if (previous && previous.name !== next?.name) for (const record of records.values()) record.team = undefined;
    detachTeam = next ? attachTeam(next) : () => undefined;
    await previous?.close();
    emit();
  }
  if (options.team) void setTeam(options.team);

  /** The stored token when it is usable; stores a resealed copy, forgets one that no longer opens. */
  async function usableToken(record: StoredProfile): Promise<string | undefined> {
    const token = record.token;
    if (!token) return undefined;
    const opened = await secrets.openToken(token, now());
    if (record.token !== token) return opened.plain;
    if (opened.resealed !== undefined) {
      record.token = { ...token, value: opened.resealed };
      void persist(record.id);
    }
    if (opened.unreadable) {
      // The keychain no longer opens it; a fresh token replaces it.
      record.token = undefined;
      log.warn('stored token cannot be decrypted', { profile: record.id });
    }
    return opened.plain;
  }

  return {
    async addProfile(input, how) {
      assertOpen();
      return viewOf(await registry.add(input, how?.keysUnavailable));
    },

    async updateProfile(id, patch) {
      assertOpen();
      return viewOf(await registry.update(id, patch));
    },

    async removeProfile(id) {
      assertOpen();
      await registry.remove(id);
    },

    listProfiles,

    exportProfiles(ids, exportOptions = {}) {
      assertOpen();
      const chosen = ids.map((id) => registry.mustGet(id));
      return exportRecords(chosen, secrets, {
        passphrase: exportOptions.passphrase,
        app: exportOptions.app ?? 'TokenTray',
      });
    },

    getProfile(id) {
      const record = records.get(id);
      return record ? viewOf(record) : undefined;
    },
    listProfileNames: () => records.profileNames(),

    refresh,

    async getToken(id) {
      const token = await usableToken(registry.mustGet(id));
      if (token !== undefined) return token;
      await refresh(id);
      const record = records.get(id);
      return record ? usableToken(record) : undefined;
    },

    async testCredentials(input) {
      assertOpen();
      const settings = await registry.check(input);
      const result = await runner.fetchToken(settings.settings, settings.credentials);
      // Only a team refresh asks before sending; a test of new keys always sends.
      if (result === LOCK_LOST) throw new Error('a credentials test is never refused by a lock');
      if (!result.ok) return { ok: false, error: { ...result.failure, at: now() } };
      const { expiresInMs, expiresAt } = result.grant;
      const lifetime = expiresAt === undefined ? expiresInMs : expiresAt - now();
      return lifetime === undefined ? { ok: true } : { ok: true, expiresInMs: lifetime };
    },

    async checkDue() {
      if (closing) return;
      if (hasSchedules()) await loadCronParser();
      const at = now();
      const due = [...records.values()].filter((r) => !runner.isRefreshing(r.id) && isDue(stateOf(r), at));
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

    async gatewayUpstream(id) {
      assertOpen();
      const record = registry.mustGet(id);
      const facts = providerFacts(record.provider, record.options);
      // A profile's own proxy, with its password from the keychain, as its token requests use.
      let proxy = record.proxy;
      if (proxy !== undefined && record.secrets.proxyPassword !== undefined) {
        const opened = await secrets.readCredentials(record.secrets);
        proxy = proxyWithPassword(proxy, opened?.credentials.proxyPassword);
      }
      return {
        origins: apiOriginsOf(record),
        usage: facts.usage,
        rejection: facts.rejection,
        open: (url, init) => openUpstream(url, init, proxy),
        provider: record.provider,
        tokenEndpoint: tokenEndpoint(record),
        async isAppId(candidate) {
          const opened = await secrets.readCredentials(record.secrets);
          return opened !== undefined && equalInConstantTime(candidate, opened.credentials.apiKey);
        },
      };
    },

    teamStatus() {
      return team ? { name: team.name, role: team.role, connection: team.connection(), ...team.problems() } : undefined;
    },

    setTeam,

    storeIssues() {
      const failing = writer.issue();
      return failing ? [...loaded.issues, failing] : [...loaded.issues];
    },

    close() {
      closing ??= (async () => {
        // Requests in flight are abandoned, not awaited: quitting must not wait on a slow server.
        shutdown.abort();
        await runner.settle();
        detachTeam();
        await team?.close().catch(() => undefined);
        closed = true;
        listeners.clear();
        writer.flush();
      })();
      return closing;
    },
  };
}

/** Whether two strings are equal, in time that does not depend on where they differ. */
function equalInConstantTime(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
