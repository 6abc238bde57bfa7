import { randomUUID } from 'node:crypto';
import type { ImportResult } from '../contract/ipc.ts';
import type { ImportChoice, ImportPreview, ProfileKeys } from '../contract/transfer.ts';
import {
  isProviderId,
  type Logger,
  openKeys,
  type ProfileInput,
  previewEntries,
  readExportFile,
  type TokenService,
} from '../core/index.ts';
import { AppError } from './app-error.ts';

/** How long a file stays open between its preview and the import. */
const TICKET_MS = 15 * 60_000;

export interface TransferDeps {
  service: TokenService;
  /** The save dialog; undefined when the user cancelled. */
  chooseSaveFile(suggested: string): Promise<string | undefined>;
  chooseOpenFile(): Promise<string | undefined>;
  /** Writes the file readable by its owner only, and resolves once it is on disk. */
  writeFile(path: string, text: string): Promise<void>;
  readFile(path: string): Promise<string>;
  appName: string;
  now(): number;
  logger: Logger;
}

/**
 * Export and import of profiles (window: Export…, Import…). A file being imported is read once,
 * previewed, then imported as the user chose: renamed on a name clash, never overwriting.
 */
export function createTransfer(deps: TransferDeps) {
  const open = new Map<
    string,
    { file: ReturnType<typeof readExportFile>; path: string; keys?: ProfileKeys; at: number }
  >();

  function preview(ticket: string): ImportPreview {
    const held = open.get(ticket);
    if (!held) throw new AppError('import_expired');
    const names = deps.service.listProfiles().map((view) => view.name);
    return {
      ticket,
      file: held.path,
      encrypted: held.file.secrets !== undefined,
      unlocked: held.keys !== undefined,
      entries: previewEntries(held.file, held.keys, names, isProviderId),
    };
  }

  function forgetOld(): void {
    for (const [ticket, held] of open) if (deps.now() - held.at > TICKET_MS) open.delete(ticket);
  }

  return {
    /** Asks where to save, writes the file; null when the user cancelled. */
    async exportProfiles(ids: readonly string[], passphrase?: string): Promise<{ path: string | null; count: number }> {
      const exported = await deps.service.exportProfiles(ids, {
        ...(passphrase === undefined ? {} : { passphrase }),
        app: deps.appName,
      });
      const day = new Date(deps.now()).toISOString().slice(0, 10);
      const path = await deps.chooseSaveFile(`tokentray-profiles-${day}.json`);
      if (path === undefined) return { path: null, count: 0 };
      await deps.writeFile(path, `${JSON.stringify(exported, null, 2)}\n`);
      deps.logger.info('profiles exported', { count: ids.length, withKeys: passphrase !== undefined });
      return { path, count: ids.length };
    },

    /** Asks for a file and reads it; malformed files and newer versions are refused here. */
    async openImport(): Promise<ImportPreview | null> {
      forgetOld();
      const path = await deps.chooseOpenFile();
      if (path === undefined) return null;
      const text = await deps.readFile(path).catch(() => {
        throw new AppError('import_unreadable');
      });
      const file = readExportFile(text);
      const ticket = randomUUID();
      open.set(ticket, { file, path, at: deps.now() });
      return preview(ticket);
    },

    async unlock(ticket: string, passphrase: string): Promise<ImportPreview> {
      const held = open.get(ticket);
      if (!held) throw new AppError('import_expired');
      if (!held.file.secrets) return preview(ticket);
      held.keys = await openKeys(held.file.secrets, passphrase, held.file.profiles.length);
      return preview(ticket);
    },

    /** Adds each chosen profile under the name chosen; one that fails does not stop the others. */
    async apply(ticket: string, choices: readonly ImportChoice[]): Promise<ImportResult> {
      const held = open.get(ticket);
      if (!held) throw new AppError('import_expired');
      const result: ImportResult = { added: [], failed: [] };
      for (const choice of choices) {
        const profile = held.file.profiles[choice.index];
        if (!profile) continue;
        const keys = held.keys?.[choice.index];
        const input: ProfileInput = {
          ...profile,
          name: choice.name,
          apiKey: choice.apiKey ?? keys?.apiKey ?? '',
          secretKey: choice.secretKey ?? keys?.secretKey ?? '',
        };
        // The proxy's password travels with the keys; the URL in the file has none.
        if (profile.proxy && keys?.proxyPassword !== undefined && profile.proxy !== 'direct') {
          const url = new URL(profile.proxy);
          url.password = encodeURIComponent(keys.proxyPassword);
          input.proxy = url.href.replace(/\/$/, '');
        }
        try {
          if (deps.service.listProfiles().some((v) => v.name.toLowerCase() === choice.name.trim().toLowerCase())) {
            throw new AppError('import_name_taken');
          }
          result.added.push(await deps.service.addProfile(input));
        } catch (error) {
          const known = error as { code?: string; messageKey?: string; field?: string };
          result.failed.push({
            index: choice.index,
            name: choice.name,
            code: known.code ?? 'error',
            ...(known.messageKey ? { messageKey: known.messageKey } : {}),
            ...(known.field ? { field: known.field } : {}),
          });
        }
      }
      open.delete(ticket);
      deps.logger.info('profiles imported', { added: result.added.length, failed: result.failed.length });
      return result;
    },
  };
}

export type Transfer = ReturnType<typeof createTransfer>;
