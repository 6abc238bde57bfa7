import { randomUUID } from 'node:crypto';
import { sendsKeysElsewhere } from '../contract/catalogue.ts';
import { loadCronParser } from './cron-schedule.ts';
import { failure, ProfileInputError, UnknownProfileError } from './errors.ts';
import { apiKeyHint, assertPlainData, cleanKey, cleanProxy, cleanSettings } from './profile-input.ts';
import type { StoredProfile } from './profile-store.ts';
import { effectiveOptions } from './providers/facts.ts';
import { type Credentials, PROVIDERS } from './providers/index.ts';
import type { SecretBox } from './secret-box.ts';
import type { StoreWriter } from './store-writer.ts';
import type { Logger, ProfileInput, ProfilePatch } from './types.ts';

export interface RegistryDeps {
  records: Map<string, StoredProfile>;
  secrets: SecretBox;
  writer: StoreWriter;
  now(): number;
  log: Logger;
  /** Drops any result still on its way for this profile. */
  invalidate(id: string): void;
  /** Starts fetching a first token. */
  startRefresh(id: string): void;
  emit(): void;
}

/**
 * Adding, editing and removing profiles. Every edit is on disk before it is confirmed; one the
 * disk refuses is undone in memory too, so what the user sees is what is saved.
 */
export function createProfileRegistry(deps: RegistryDeps) {
  const { records, secrets, log } = deps;

  async function commitEdit(undo: () => void): Promise<void> {
    try {
      await deps.writer.commit();
    } catch (error) {
      undo();
      deps.emit();
      throw error;
    }
  }

  function mustGet(id: string): StoredProfile {
    const record = records.get(id);
    if (!record) throw new UnknownProfileError(id);
    return record;
  }

  /** Validates settings; a schedule needs cron-parser, loaded on first use. */
  async function settingsOf(input: Parameters<typeof cleanSettings>[0]) {
    assertPlainData(input, 'profile');
    if (typeof input.cron === 'string' && input.cron.trim() !== '') await loadCronParser();
    return cleanSettings(input, deps.now());
  }

  /** Keys with the proxy's password added (sealed) or left out. */
  async function sealProxyPassword(sealed: StoredProfile['secrets'], password: string | undefined) {
    const { proxyPassword: _old, ...keys } = sealed;
    return password === undefined ? keys : { ...keys, proxyPassword: await secrets.seal(password) };
  }

  /**
   * The sealed proxy password after an edit: a new one typed, or the stored one while the proxy
   * stays the same host and user (the form shows the URL without it); otherwise none.
   */
  async function proxyPasswordAfter(record: StoredProfile, patch: ProfilePatch, proxy: string | undefined) {
    if (!('proxy' in patch)) return record.secrets.proxyPassword;
    const typed = cleanProxy(patch.proxy).password;
    if (typed !== undefined) return secrets.seal(typed);
    return proxy !== undefined && proxy === record.proxy ? record.secrets.proxyPassword : undefined;
  }

  /** A profile without keys to hand waits for them, saying where they should come from. */
  function awaitKeys(record: StoredProfile, source: string): void {
    Object.assign(record, {
      token: undefined,
      retryAt: undefined,
      team: undefined,
      needsCredentials: true,
      apiKeyHint: '…',
      lastError: {
        ...failure('credentials_unreadable', { messageKey: 'credentials_missing', messageParams: { source } }),
        at: deps.now(),
      },
    });
  }

  async function add(input: ProfileInput, keysUnavailable?: string): Promise<StoredProfile> {
    const settings = await settingsOf(input);
    const apiKey = keysUnavailable ? '' : cleanKey('apiKey', input.apiKey, settings.provider);
    const secretKey = keysUnavailable ? '' : cleanKey('secretKey', input.secretKey, settings.provider);
    const record: StoredProfile = {
      id: randomUUID(),
      ...settings,
      apiKeyHint: apiKeyHint(apiKey),
      createdAt: deps.now(),
      secrets: await sealProxyPassword(await secrets.sealKeys(apiKey, secretKey), cleanProxy(input.proxy).password),
      needsCredentials: false,
      consecutiveFailures: 0,
    };
    if (keysUnavailable) awaitKeys(record, keysUnavailable);
    records.set(record.id, record);
    await commitEdit(() => {
      if (records.get(record.id) === record) records.delete(record.id);
    });
    log.info('profile added', { profile: record.id, provider: record.provider });
    if (keysUnavailable) log.warn('profile waits for its keys', { profile: record.id, source: keysUnavailable });
    else deps.startRefresh(record.id);
    return record;
  }

  async function update(id: string, patch: ProfilePatch): Promise<StoredProfile> {
    assertPlainData(patch, 'profile');
    const record = mustGet(id);
    const { refreshMarginMs, apiKey: rawApiKey, secretKey: rawSecretKey, ...rest } = patch;
    const merged = { ...record, ...rest, tokenUrl: 'tokenUrl' in patch ? patch.tokenUrl : record.tokenUrl };
    if (refreshMarginMs === null) delete merged.refreshMarginMs;
    else if (refreshMarginMs !== undefined) merged.refreshMarginMs = refreshMarginMs;
    const settings = await settingsOf(merged);
    const apiKey = rawApiKey === undefined ? undefined : cleanKey('apiKey', rawApiKey, settings.provider);
    const secretKey = rawSecretKey === undefined ? undefined : cleanKey('secretKey', rawSecretKey, settings.provider);
    // Stored keys only ever go where the user sent them: another server, or another provider,
    // gets them only when the user types them again.
    const entryOf = (profile: { provider: StoredProfile['provider'] }) => PROVIDERS[profile.provider].catalogue;
    const newDestination = sendsKeysElsewhere(
      { ...record, entry: entryOf(record) },
      { ...settings, entry: entryOf(settings) },
    );
    if (newDestination && (apiKey === undefined || secretKey === undefined)) {
      throw new ProfileInputError(apiKey === undefined ? 'apiKey' : 'secretKey', 'keys_required_new_destination');
    }
    const [encApiKey, encSecretKey, encProxyPassword] = await Promise.all([
      apiKey === undefined ? record.secrets.apiKey : secrets.seal(apiKey),
      secretKey === undefined ? record.secrets.secretKey : secrets.seal(secretKey),
      proxyPasswordAfter(record, patch, settings.proxy),
    ]);
    if (records.get(id) !== record) throw new UnknownProfileError(id);
    const sameOptions =
      JSON.stringify(effectiveOptions(settings.provider, settings.options)) ===
      JSON.stringify(effectiveOptions(record.provider, record.options));
    const endpointChanged =
      apiKey !== undefined ||
      secretKey !== undefined ||
      settings.provider !== record.provider ||
      settings.tokenUrl !== record.tokenUrl ||
      !sameOptions;
    const {
      tokenUrl: _url,
      refreshMarginMs: _margin,
      cron: _cron,
      shared: _shared,
      proxy: _proxy,
      team,
      ...kept
    } = record;
    const sealed = { apiKey: encApiKey, secretKey: encSecretKey };
    const updated: StoredProfile = {
      ...kept,
      ...settings,
      secrets: encProxyPassword === undefined ? sealed : { ...sealed, proxyPassword: encProxyPassword },
    };
    if (apiKey !== undefined) updated.apiKeyHint = apiKeyHint(apiKey);
    // Shared or not, the token it holds stays valid; joining the team looks for the team's first.
    const sharingChanged = (settings.shared === true) !== (record.shared === true);
    if (settings.shared && team && !sharingChanged) updated.team = team;
    if (endpointChanged || sharingChanged) deps.invalidate(id);
    if (endpointChanged) {
      // The old token may belong to other keys or another server: start over.
      Object.assign(updated, { token: undefined, lastError: undefined, retryAt: undefined, team: undefined });
      updated.consecutiveFailures = 0;
      updated.needsCredentials = false;
    }
    records.set(id, updated);
    await commitEdit(() => {
      if (records.get(id) === updated) records.set(id, record);
    });
    log.info('profile updated', { profile: id, refetch: endpointChanged, shared: settings.shared === true });
    if (endpointChanged) deps.startRefresh(id);
    else if (sharingChanged && settings.shared) deps.startRefresh(id);
    else deps.emit();
    return updated;
  }

  async function remove(id: string): Promise<void> {
    const record = mustGet(id);
    const order = [...records.keys()];
    records.delete(id);
    deps.invalidate(id);
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
    deps.emit();
  }

  /** Checks a profile and its keys without saving anything (the form's "Test" button). */
  async function check(input: ProfileInput) {
    const settings = await settingsOf(input);
    const credentials: Credentials = {
      apiKey: cleanKey('apiKey', input.apiKey, settings.provider),
      secretKey: cleanKey('secretKey', input.secretKey, settings.provider),
    };
    const proxyPassword = cleanProxy(input.proxy).password;
    if (proxyPassword !== undefined) credentials.proxyPassword = proxyPassword;
    return { settings, credentials };
  }

  return { add, update, remove, check, mustGet };
}
