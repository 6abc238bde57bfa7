import { type Failure, failure, scrubFailure, UnknownProfileError } from './errors.ts';
import type { HttpSend } from './http-client.ts';
import { proxyWithPassword } from './profile-input.ts';
import type { StoredProfile } from './profile-store.ts';
import { effectiveOptions, tokenEndpoint } from './providers/facts.ts';
import { type Credentials, PROVIDERS, type ProviderContext, type ProviderResult } from './providers/index.ts';
import { retryAtAfterFailure } from './refresh-policy.ts';
import type { SecretBox } from './secret-box.ts';
import { LOCK_LOST, type TeamPort } from './team/team-port.ts';
import { createTeamRefresh, type KeptToken } from './team-refresh.ts';
import type { RefreshEvent } from './token-service-api.ts';
import { insecureTokenUrl } from './token-url.ts';
import type { Logger } from './types.ts';

export interface RefreshRunnerDeps {
  records: Map<string, StoredProfile>;
  secrets: SecretBox;
  send: HttpSend;
  /** Runs a request within its host's share of concurrent requests. */
  limit<T>(host: string, run: () => Promise<T> | T): Promise<T>;
  now(): number;
  log: Logger;
  random?: () => number;
  /** Aborted when the engine closes: requests in flight stop at once. */
  signal: AbortSignal;
  /** Writes the store; resolves when the change is on disk or the failure is recorded. */
  /** Saves the record (or everything, without an id) before the change is acknowledged. */
  persist(id?: string): Promise<void>;
  /** Tells listeners that views changed. */
  emit(): void;
  /** The team shared profiles refresh through, if any (team mode). */
  team(): TeamPort | undefined;
  /** Told of every refresh's outcome (metrics). */
  observe?(event: RefreshEvent): void;
  /** Whether a token can serve until the profile's next planned refresh. */
  canWait(record: StoredProfile, token: { obtainedAt: number; expiresAt?: number | undefined }): boolean;
}

type FetchTarget = Pick<StoredProfile, 'provider' | 'tokenUrl' | 'options' | 'proxy'>;

/**
 * Fetching tokens: one request per profile at a time (concurrent callers share it), results that
 * arrive after the profile changed are dropped, failures back off, and nothing resolves before
 * what it changed is saved.
 */
/** The request's proxy: the profile's own, with its password put back, or the system's. */
function proxyOf(record: FetchTarget, credentials: Credentials): { proxy?: string } {
  return record.proxy === undefined ? {} : { proxy: proxyWithPassword(record.proxy, credentials.proxyPassword) };
}

export function createRefreshRunner(deps: RefreshRunnerDeps) {
  const { records, secrets, log } = deps;
  /** The run in flight per profile, and the generation it was started for. */
  const inflight = new Map<string, { run: Promise<void>; generation: number }>();
  /** Bumped when a profile's keys or endpoint change or it is removed, so a stale result is dropped. */
  const generations = new Map<string, number>();

  /** One token request, its answer read by the provider and scrubbed of the keys it was sent with. */
  async function fetchToken(
    record: FetchTarget,
    credentials: Credentials,
    force = false,
    /** False when the caller already holds the host's slot (a team refresh holds it with the lock). */
    limited = true,
    /** Asked just before sending (a team refresh: is the lock still ours?); false sends nothing. */
    beforeSend?: () => Promise<boolean>,
  ): Promise<ProviderResult | typeof LOCK_LOST> {
    const provider = PROVIDERS[record.provider];
    const context: ProviderContext = {
      tokenUrl: tokenEndpoint(record),
      options: effectiveOptions(record.provider, record.options),
      now: deps.now(),
      force,
    };
    // Profiles saved by older versions may still hold a plain http:// URL to another host.
    if (!URL.canParse(context.tokenUrl) || insecureTokenUrl(new URL(context.tokenUrl))) {
      return { ok: false, failure: failure('invalid_request', { messageKey: 'invalid_request_insecure_url' }) };
    }
    const send = async () => {
      if (beforeSend && !(await beforeSend())) return LOCK_LOST;
      return deps.signal.aborted
        ? { ok: false as const, failure: failure('network_error') }
        : deps.send(
            { ...provider.buildRequest(credentials, context), ...proxyOf(record, credentials) },
            { signal: deps.signal },
          );
    };
    const outcome = await (limited ? deps.limit(new URL(context.tokenUrl).host, send) : send());
    if (outcome === LOCK_LOST) return outcome;
    const result: ProviderResult = outcome.ok
      ? provider.interpret(outcome.response, credentials, context)
      : { ok: false, failure: outcome.failure };
    return result.ok ? result : { ok: false, failure: scrubFailure(result.failure, secretsOf(credentials)) };
  }

  const secretsOf = (credentials: Credentials) =>
    [credentials.apiKey, credentials.secretKey, credentials.proxyPassword].filter((s) => s !== undefined);

  function recordFailure(record: StoredProfile, result: Failure): void {
    const at = deps.now();
    record.consecutiveFailures += 1;
    record.lastError = { ...result, at };
    record.retryAt = retryAtAfterFailure(at, record.consecutiveFailures, result, deps.random);
    deps.observe?.({ provider: record.provider, outcome: 'failed', code: result.code, shared: record.shared === true });
    log.warn('token refresh failed', {
      profile: record.id,
      code: result.code,
      providerCode: result.providerCode,
      httpStatus: result.httpStatus,
      failures: record.consecutiveFailures,
    });
  }

  /** Seals and keeps a token; false when the profile changed or the engine closed meanwhile. */
  async function keep(record: StoredProfile, token: KeptToken, expected?: number): Promise<boolean> {
    const generation = expected ?? generations.get(record.id) ?? 0;
    const value = await secrets.seal(token.plain);
    if (deps.signal.aborted || records.get(record.id) !== record || (generations.get(record.id) ?? 0) !== generation) {
      return false;
    }
    // A team notice and the profile's own refresh may both keep a token: the newer generation stays.
    if (token.team && record.team && token.team.generation < record.team.generation) return false;
    const { obtainedAt, expiresAt } = token;
    record.token = { value, obtainedAt, ...(expiresAt === undefined ? {} : { expiresAt }) };
    const recovered = record.consecutiveFailures > 0;
    record.consecutiveFailures = 0;
    record.lastError = undefined;
    record.retryAt = undefined;
    record.team = token.team;
    log.info(recovered ? 'token refreshed after failures' : 'token refreshed', {
      profile: record.id,
      expiresAt,
      ...(token.team ? { generation: token.team.generation } : {}),
    });
    deps.observe?.({ provider: record.provider, outcome: token.via ?? 'fetched', shared: record.shared === true });
    return true;
  }

  const team = createTeamRefresh({
    team: deps.team,
    limit: deps.limit,
    records,
    now: deps.now,
    log,
    signal: deps.signal,
    fetchToken,
    canWait: deps.canWait,
    keep,
    fail: recordFailure,
  });

  async function runRefresh(id: string, force: boolean, rejected?: string): Promise<void> {
    const record = records.get(id);
    if (!record) throw new UnknownProfileError(id);
    const generation = generations.get(id) ?? 0;
    const stale = () => deps.signal.aborted || records.get(id) !== record || (generations.get(id) ?? 0) !== generation;

    // Saved without keys (a server's unset variable): nothing to send until an edit brings them.
    if (record.needsCredentials && record.lastError?.messageKey === 'credentials_missing') return;
    const opened = await secrets.readCredentials(record.secrets);
    if (stale()) return;
    if (opened?.resealed) record.secrets = opened.resealed;
    const credentials = opened?.credentials;
    if (!credentials) {
      record.needsCredentials = true;
      record.lastError = { ...failure('credentials_unreadable'), at: deps.now() };
      record.retryAt = undefined;
      log.warn('stored keys cannot be decrypted', { profile: id });
      await deps.persist(id);
      return;
    }
    // A shared profile goes through the team: one member fetches, the others take its token.
    if (record.shared && deps.team() && (await team.refresh(record, credentials, { force, rejected })) === 'done') {
      if (!stale()) await deps.persist(id);
      return;
    }
    const startedAt = deps.now();
    const result = await fetchToken(record, credentials, force);
    if (stale() || result === LOCK_LOST) return;
    if (result.ok) {
      const { accessToken, expiresInMs, expiresAt } = result.grant;
      // Expiry counts from when the request left, so a slow answer never overstates the lifetime.
      const expiry = expiresAt ?? (expiresInMs === undefined ? undefined : startedAt + expiresInMs);
      if (!(await keep(record, { plain: accessToken, obtainedAt: deps.now(), expiresAt: expiry }, generation))) return;
    } else {
      recordFailure(record, result.failure);
    }
    // A token is handed out only once it is saved: a lost token would be fetched again after a
    // restart, and for WeChat's classic endpoint that revokes the one the user just copied.
    await deps.persist(id);
  }

  /**
   * Fetches now, sharing a request already in flight for the profile as it is now; resolves once
   * the outcome is saved. A run started before the keys or endpoint changed is not shared: its
   * result will be dropped, so a new one starts beside it.
   */
  function refresh(id: string, force: boolean, rejected?: string): Promise<void> {
    const generation = generations.get(id) ?? 0;
    const current = inflight.get(id);
    if (current && current.generation === generation) return current.run;
    const entry = { generation, run: Promise.resolve() };
    entry.run = runRefresh(id, force, rejected)
      .catch((error: unknown) => {
        log.error('refresh crashed', { profile: id, error: error instanceof Error ? error.name : 'unknown' });
      })
      .finally(() => {
        if (inflight.get(id) === entry) inflight.delete(id);
        deps.emit();
      });
    inflight.set(id, entry);
    deps.emit();
    return entry.run;
  }

  return {
    fetchToken,
    refresh,
    isRefreshing: (id: string) => inflight.has(id),
    /** Makes any result still on its way for this profile stale (new keys, new endpoint, removed). */
    invalidate(id: string): void {
      generations.set(id, (generations.get(id) ?? 0) + 1);
      team.forget(id);
    },
    team,
    /** Waits until no request is in flight. */
    async settle(): Promise<void> {
      while (inflight.size > 0) await Promise.all([...inflight.values()].map((entry) => entry.run));
    },
  };
}
