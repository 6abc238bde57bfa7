import { DEFAULT_SETTINGS, type Settings, settingsSchema } from '../contract/settings.ts';
import type { KeyValueStore } from '../core/index.ts';

const KEY = 'settings';

/** Settings beside the profiles in the same store; unreadable fields fall back to defaults one by one. */
export function createSettingsStore(store: KeyValueStore) {
  function read(): Settings {
    const raw = store.get(KEY, {});
    const stored = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const [key, schema] of Object.entries(settingsSchema.shape)) {
      const parsed = schema.safeParse(stored[key]);
      if (parsed.success) merged[key] = parsed.data;
    }
    return merged as Settings;
  }
  let current = read();
  return {
    get: (): Settings => current,
    /** Applies a validated patch and saves it. */
    update(patch: Partial<Settings>): Settings {
      current = settingsSchema.parse({ ...current, ...patch });
      store.set(KEY, current);
      return current;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

/** The engine's view of the default margin: undefined means "automatic". */
export function defaultMarginMs(settings: Settings): number | undefined {
  return settings.defaultRefreshMarginMinutes > 0 ? settings.defaultRefreshMarginMinutes * 60_000 : undefined;
}
