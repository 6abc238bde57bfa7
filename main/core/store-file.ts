import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  removeTemporaries(filePath);
  const moveAside = (why: string): OpenedStore<S> => {
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    const movedTo = `${filePath}.corrupt-${stamp}`;
    renameSync(filePath, movedTo);
    return { store: open(), issue: { kind: 'file_moved_aside', detail: `${why} It was kept as ${movedTo}.` } };
  };
  // JSON that parses but is not an object (null, a list, a number) would be opened as an empty
  // store and overwritten by the first save: say so and keep it instead.
  const shape = topLevelShape(filePath);
  if (shape !== undefined) return moveAside(`The settings file held ${shape} instead of settings.`);
  try {
    return { store: open() };
  } catch (error) {
    if (!existsSync(filePath)) throw error;
    return moveAside('The settings file could not be read.');
  }
}

/**
 * Temporary files a write killed halfway left in the store's folder (conf's `config.json.tmp-…`,
 * our own `<file>.<pid>.tmp`): the store was written whole or not at all, so they hold nothing to keep.
 * Only this process opens the folder (the single-instance lock, the server's own state folder).
 */
function removeTemporaries(filePath: string): void {
  const folder = dirname(filePath);
  const ours = /\.(?:tmp-\d{10}[0-9a-f]{6}|\d+\.tmp)$/;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) if (ours.test(name)) rmSync(join(folder, name), { force: true });
}

/** What a settings file that parses holds when it is not an object; undefined otherwise. */
function topLevelShape(filePath: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch {
    return undefined; // Missing or unparsable: the store's own open decides.
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? undefined : `a ${typeof value}`;
}
