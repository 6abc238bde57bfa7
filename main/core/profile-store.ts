import * as z from 'zod/mini';
import { tokenErrorSchema } from '../contract/views.ts';
import { PROVIDER_IDS, PROVIDERS } from './providers/index.ts';
import { optionsSchemaOf } from './providers/options.ts';
import type { KeyValueStore, ProviderId, StoreIssue, TokenError } from './types.ts';

/** Bumped whenever the stored shape changes; readers refuse shapes newer than they know. */
export const SCHEMA_VERSION = 1;

const KEYS = { version: 'schemaVersion', profiles: 'profiles', quarantine: 'quarantine' } as const;
const maybe = z.optional;

/** One profile at rest. Keys and token are cipher output; the rest is plain so listing never decrypts. */
const storedProfile = z.object({
  id: z.string().check(z.minLength(1)),
  name: z.string(),
  provider: z.enum(PROVIDER_IDS as [ProviderId, ...ProviderId[]]),
  tokenUrl: maybe(z.string()),
  options: z.record(z.string(), z.unknown()),
  apiKeyHint: z.string(),
  createdAt: z.number(),
  secrets: z.object({ apiKey: z.string(), secretKey: z.string(), proxyPassword: maybe(z.string()) }),
  token: maybe(z.object({ value: z.string(), obtainedAt: z.number(), expiresAt: maybe(z.number()) })),
  refreshMarginMs: maybe(z.number()),
  cron: maybe(z.string()),
  needsCredentials: z.boolean(),
  consecutiveFailures: z.number(),
  /** Checked on its own: a failure saved by another version is dropped, not the whole profile. */
  lastError: maybe(z.unknown()),
  retryAt: maybe(z.number()),
  /** Shared with the team: its token comes from, and goes to, the team store. */
  shared: maybe(z.boolean()),
  /** The generation of the team's token this profile holds, and who fetched it. */
  team: maybe(z.object({ generation: z.number(), refreshedBy: z.string() })),
  /** `direct` or a proxy URL without its password (sealed in `secrets.proxyPassword`). */
  proxy: maybe(z.string()),
  /** Raised by every write of the record: a journal line applies only over an older one. */
  rev: maybe(z.number()),
});

export type StoredProfile = Omit<z.infer<typeof storedProfile>, 'lastError'> & { lastError?: TokenError | undefined };

export interface LoadResult {
  profiles: StoredProfile[];
  issues: StoreIssue[];
}

/**
 * Reads every profile. Records that do not parse, and a whole store written by a newer TokenTray,
 * are moved to a quarantine key and reported: never silently dropped.
 */
export function loadProfiles(store: KeyValueStore, now: number): LoadResult {
  const issues: StoreIssue[] = [];
  const version = store.get(KEYS.version);
  const raw = store.get(KEYS.profiles, []);
  if (version !== undefined && version !== SCHEMA_VERSION) {
    if (raw !== undefined) quarantine(store, { reason: `schema version ${String(version)}`, at: now, data: raw });
    issues.push({
      kind: 'unknown_schema',
      detail: `Profiles were saved by another TokenTray version (schema ${String(version)}); they were set aside, not deleted.`,
    });
    store.set(KEYS.profiles, []);
    store.set(KEYS.version, SCHEMA_VERSION);
    return { profiles: [], issues };
  }
  const records = Array.isArray(raw) ? raw : [];
  if (!Array.isArray(raw)) {
    quarantine(store, { reason: 'profiles is not a list', at: now, data: raw });
    issues.push({ kind: 'record_unreadable', detail: 'The profile list was damaged; it was set aside, not deleted.' });
  }
  const profiles: StoredProfile[] = [];
  const ids = new Set<string>();
  for (const record of records) {
    const read = readRecord(record);
    if (typeof read !== 'string' && ids.has(read.id)) {
      // Two records with one id (a hand edit, a merge): the first is kept, the second set aside.
      quarantine(store, { reason: 'duplicate id', at: now, data: record });
      issues.push({
        kind: 'record_unreadable',
        detail: `A second profile "${read.name.slice(0, 100)}" with the same id was set aside, not deleted.`,
      });
    } else if (typeof read !== 'string') {
      ids.add(read.id);
      profiles.push(read);
    } else {
      quarantine(store, { reason: read, at: now, data: record });
      const name = typeof record?.name === 'string' ? ` "${record.name.slice(0, 100)}"` : '';
      issues.push({ kind: 'record_unreadable', detail: `A damaged profile${name} was set aside, not deleted.` });
    }
  }
  if (issues.length > 0) saveProfiles(store, profiles);
  if (version === undefined) store.set(KEYS.version, SCHEMA_VERSION);
  return { profiles, issues };
}

/**
 * A stored record as the engine holds it, or why it cannot be used. Beyond its shape, its options
 * must be ones its provider knows and its token URL a URL: a record edited by hand or by another
 * version must not make every later read of the profile throw. A saved failure that another
 * version wrote differently is dropped, not the whole profile.
 */
export function readRecord(record: unknown): StoredProfile | string {
  const parsed = storedProfile.safeParse(record);
  if (!parsed.success) return 'unreadable profile';
  const { lastError, ...rest } = parsed.data;
  if (!optionsSchemaOf(PROVIDERS[rest.provider].catalogue).safeParse(rest.options).success) {
    return 'unknown provider options';
  }
  if (rest.tokenUrl !== undefined && !URL.canParse(rest.tokenUrl)) return 'unreadable token URL';
  if (lastError === undefined) return rest;
  const error = tokenErrorSchema.safeParse(lastError);
  return error.success ? { ...rest, lastError: error.data } : rest;
}

/** Writes every profile. The schema version is written once, when the store is first opened. */
export function saveProfiles(store: KeyValueStore, profiles: readonly StoredProfile[]): void {
  store.set(KEYS.profiles, profiles);
}

export function quarantine(store: KeyValueStore, entry: { reason: string; at: number; data: unknown }): void {
  const existing = store.get(KEYS.quarantine, []);
  store.set(KEYS.quarantine, [...(Array.isArray(existing) ? existing : []), entry]);
}
