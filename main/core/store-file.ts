import { existsSync, renameSync } from 'node:fs';
import type { StoreIssue } from './types.ts';

export interface OpenedStore<S> {
  store: S;
  issue?: StoreIssue;
}

/**
 * Opens a JSON-file store (electron-store in the app, conf in tests). When the file cannot be
 * parsed it is renamed beside itself and an empty store is opened, so the user's data is kept
 * for recovery and the app still starts. The caller reports `issue` to the user.
 */
export function openStoreSafely<S>(open: () => S, filePath: string, now: number = Date.now()): OpenedStore<S> {
  try {
    return { store: open() };
  } catch (error) {
    if (!existsSync(filePath)) throw error;
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    const movedTo = `${filePath}.corrupt-${stamp}`;
    renameSync(filePath, movedTo);
    return {
      store: open(),
      issue: { kind: 'file_moved_aside', detail: `The settings file could not be read and was kept as ${movedTo}.` },
    };
  }
}
