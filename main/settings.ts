import { z } from 'zod';
import type { KeyValueStore } from './core/index.ts';
import { NOTICE_KINDS, type Settings } from './ipc-contract.ts';

const notificationsSchema = z.object(
  Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, z.boolean()])) as Record<
    (typeof NOTICE_KINDS)[number],
    z.ZodBoolean
  >,
);

export const settingsSchema = z.object({
  clipboardClearSeconds: z.number().int().min(0).max(3600),
  startAtLogin: z.boolean(),
  language: z.enum(['system', 'zh-CN', 'en']),
  notifications: notificationsSchema,
  defaultRefreshMarginMinutes: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 60),
  allowWeakSecretStorage: z.boolean(),
}) satisfies z.ZodType<Settings>;

export const settingsPatchSchema = settingsSchema.partial().strict();

export const DEFAULT_SETTINGS: Settings = {
  clipboardClearSeconds: 60,
  startAtLogin: false,
  language: 'system',
  notifications: { refreshFailed: true, expired: true, expiringSoon: true, recovered: true },
  defaultRefreshMarginMinutes: 0,
  allowWeakSecretStorage: false,
};

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
    return merged as unknown as Settings;
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
