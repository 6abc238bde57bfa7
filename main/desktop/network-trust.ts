import type { NetworkInfo } from '../contract/ipc.ts';
import { type Logger, readAuthorities } from '../core/index.ts';
import { AppError } from './app-error.ts';
import type { SettingsStore } from './settings-store.ts';

/** Where the window's "system proxy" line asks about: the first provider's endpoint. */
const SAMPLE_URL = 'https://aip.baidubce.com/oauth/2.0/token';

export interface NetworkTrustDeps {
  settings: SettingsStore;
  readFile(path: string): Promise<string>;
  /** The open-file dialog; undefined when the user cancelled. */
  chooseFile(): Promise<string | undefined>;
  /** The system's proxy for a URL, in PAC notation (session.resolveProxy). */
  systemProxy(url: string): Promise<string>;
  logger: Logger;
}

/**
 * Settings → Network: the extra authority file (a company's TLS-inspecting CA) whose certificates
 * token requests trust beside Node's and the system's, and what the system proxy is.
 */
export function createNetworkTrust(deps: NetworkTrustDeps) {
  let loaded: { certificates: string[]; subjects: string[] } = { certificates: [], subjects: [] };
  let problem: string | null = null;

  async function load(path: string): Promise<void> {
    loaded = { certificates: [], subjects: [] };
    problem = null;
    if (path === '') return;
    const text = await deps.readFile(path).catch(() => undefined);
    const read = text === undefined ? 'ca_file_unreadable' : readAuthorities(text);
    if (typeof read === 'string') {
      problem = read;
      deps.logger.warn('extra CA file not used', { problem: read });
    } else {
      loaded = read;
    }
  }

  async function info(): Promise<NetworkInfo> {
    const systemProxy = await deps.systemProxy(SAMPLE_URL).catch(() => 'DIRECT');
    return {
      caFile: deps.settings.get().extraCaFile,
      subjects: loaded.subjects,
      problem,
      systemProxy,
    };
  }

  return {
    /** Read at start: a file gone since is reported in Settings, not fatal. */
    start: () => load(deps.settings.get().extraCaFile),
    certificates: (): readonly string[] => loaded.certificates,
    info,
    /** Asks for a PEM file; a file that holds no certificate is refused and nothing changes. */
    async chooseCa(): Promise<NetworkInfo> {
      const path = await deps.chooseFile();
      if (path === undefined) return info();
      const text = await deps.readFile(path).catch(() => undefined);
      if (text === undefined) throw new AppError('ca_file_unreadable');
      const read = readAuthorities(text);
      if (typeof read === 'string') throw new AppError(read);
      deps.settings.update({ extraCaFile: path });
      await load(path);
      deps.logger.info('extra CA file set', { certificates: read.certificates.length });
      return info();
    },
    async clearCa(): Promise<NetworkInfo> {
      deps.settings.update({ extraCaFile: '' });
      await load('');
      return info();
    },
  };
}

export type NetworkTrust = ReturnType<typeof createNetworkTrust>;
