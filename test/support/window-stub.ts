import { DEFAULT_SETTINGS } from '../../main/contract/settings.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { view } from './views.ts';

/** `count` valid Baidu profiles, soonest expiry first, each with its own countdown and times. */
export function profilesOf(count: number, now = Date.now()): ProfileView[] {
  return Array.from({ length: count }, (_, i) =>
    view({
      id: `p${i}`,
      name: `Profile ${i}`,
      expiresAt: now + (i + 1) * 3_600_000,
      refreshedAt: now - 60_000,
      nextRefreshAt: now + i * 3_000_000,
    }),
  );
}

/**
 * A stand-in preload for the built window, as a page init script: it answers what the window asks
 * at start at once (or the profiles after `listDelayMs`), so what is measured or watched is the
 * renderer's own work. Events are never sent; actions the window does not take at start are absent.
 * `window.__dataAt` is when the profiles were asked for.
 */
export function windowStub(profiles: readonly ProfileView[], options: { listDelayMs?: number } = {}): string {
  return `window.tokentray = {
  listProfiles: async () => {
    window.__dataAt = performance.now();
    ${options.listDelayMs ? `await new Promise((resolve) => setTimeout(resolve, ${options.listDelayMs}));` : ''}
    return { ok: true, value: ${JSON.stringify(profiles)} };
  },
  getSettings: async () => ({ ok: true, value: ${JSON.stringify({ ...DEFAULT_SETTINGS, language: 'en' })} }),
  getEnvironment: async () => ({ ok: true, value: { platform: 'linux', locale: 'en', version: 'stub',
    secretProtection: { kind: 'keychain', backend: 'gnome_libsecret' }, storeIssues: [], providers: [] } }),
  updateInfo: async () => ({ ok: true, value: { state: 'idle' } }),
  tokenUses: async () => ({ ok: true, value: {} }),
  onProfilesChanged: () => () => {}, onSettingsChanged: () => () => {}, onFocusProfile: () => () => {},
  onStoreIssues: () => () => {}, onUpdateChanged: () => () => {}, onTeamChanged: () => () => {}, onTokenUsed: () => () => {},
};`;
}
