import { createTranslator, type MessageKey } from '../contract/i18n.ts';
import { type KeyValueStore, type ProfileInput, ProfileInputError, type TokenService } from '../core/index.ts';
import { ConfigError, type ServerProfile } from './config.ts';
import { fingerprint } from './state-files.ts';

const FINGERPRINTS = 'server.fingerprints';
const en = createTranslator('en');

export type ResolvedProfile = Omit<ServerProfile, 'apiKey' | 'secretKey'> & {
  apiKey: string;
  secretKey: string;
  /** The key sources that gave nothing (an unset variable): the profile starts as needing keys. */
  keysUnavailable?: string;
};

/**
 * Makes the engine's profiles what the configuration says: new ones added, changed ones updated
 * (keys included), missing ones removed; unchanged ones keep their tokens across restarts, which
 * a keyed fingerprint of each profile's configuration and keys tells.
 */
export async function syncProfiles(options: {
  service: TokenService;
  store: KeyValueStore;
  key: Buffer;
  profiles: readonly ResolvedProfile[];
  sharedByDefault: boolean;
  file: string;
}): Promise<{ added: number; updated: number; removed: number; kept: number }> {
  const { service, store } = options;
  const saved = (store.get(FINGERPRINTS, {}) ?? {}) as Record<string, string>;
  const next: Record<string, string> = {};
  const counts = { added: 0, updated: 0, removed: 0, kept: 0 };
  const problems: string[] = [];
  const byName = new Map(service.listProfiles().map((view) => [view.name, view]));
  const wanted = new Set(options.profiles.map((profile) => profile.name));

  // All at once: changes made together share the store's writes (10,000 profiles in seconds).
  const sync = async (profile: ResolvedProfile, i: number): Promise<void> => {
    const input: ProfileInput = {
      name: profile.name,
      provider: profile.provider,
      apiKey: profile.apiKey,
      secretKey: profile.secretKey,
      shared: profile.shared ?? options.sharedByDefault,
      ...(profile.tokenUrl ? { tokenUrl: profile.tokenUrl } : {}),
      ...(profile.options ? { options: profile.options } : {}),
      ...(profile.refreshMarginMinutes !== undefined ? { refreshMarginMs: profile.refreshMarginMinutes * 60_000 } : {}),
      ...(profile.cron ? { cron: profile.cron } : {}),
      ...(profile.proxy ? { proxy: profile.proxy } : {}),
    };
    const waiting = profile.keysUnavailable;
    const print = fingerprint(options.key, waiting ? { ...input, keysUnavailable: waiting } : input);
    const existing = byName.get(profile.name);
    try {
      if (waiting) {
        // No keys to hand: (re)made as waiting for them, unless it already waits for the same.
        if (existing && saved[profile.name] === print) counts.kept++;
        else {
          if (existing) await service.removeProfile(existing.id);
          await service.addProfile(input, { keysUnavailable: waiting });
          counts[existing ? 'updated' : 'added']++;
        }
      } else if (!existing) {
        await service.addProfile(input);
        counts.added++;
      } else if (saved[profile.name] !== print) {
        await service.updateProfile(existing.id, { ...input, refreshMarginMs: input.refreshMarginMs ?? null });
        counts.updated++;
      } else counts.kept++;
      next[profile.name] = print;
    } catch (error) {
      if (!(error instanceof ProfileInputError)) throw error;
      problems[i] = `profiles[${i}].${error.field}: ${en.t(error.messageKey as MessageKey)}`;
    }
  };
  await Promise.all(options.profiles.map(sync));
  for (const view of byName.values()) {
    if (wanted.has(view.name)) continue;
    await service.removeProfile(view.id);
    counts.removed++;
  }
  store.set(FINGERPRINTS, next);
  const reported = problems.filter(Boolean);
  if (reported.length > 0) throw new ConfigError(options.file, reported);
  return counts;
}
