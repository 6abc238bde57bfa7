import type { createClipboardGuard } from '../clipboard/clipboard-guard.ts';
import type {
  ApiStatus,
  AppEnvironment,
  CopyResult,
  GatewayInfo,
  Inspection,
  InvokeHandlers,
  RevealResult,
  TokenUse,
} from '../contract/ipc.ts';
import { decodeJwt } from '../contract/jwt.ts';
import type { Settings } from '../contract/settings.ts';
import { type CopyFormat, copyFormatsFor } from '../contract/vocabulary.ts';
import { formatToken, isProviderId, type TokenService, UnknownProfileError } from '../core/index.ts';
import type { Redactor } from '../logging/log-redaction.ts';
import { AppError } from './app-error.ts';
import type { GlobalShortcut } from './global-shortcut.ts';
import type { NetworkTrust } from './network-trust.ts';
import type { SettingsStore } from './settings-store.ts';
import type { TeamMode } from './team-mode.ts';
import type { createTokenUses } from './token-uses.ts';
import type { Transfer } from './transfer.ts';
import type { Updates } from './updates.ts';

/** The local token API as commands see it (main/api/api-server.ts). */
export interface LocalApiPort {
  status(): ApiStatus;
  regenerateSecret(): Promise<ApiStatus>;
  /** The bearer secret; empty while the API could not start. */
  secret(): string;
  /** A profile's gateway: base URLs, origins and snippets. */
  gatewayInfo(id: string): Promise<GatewayInfo | undefined>;
}

/** How long a revealed token stays on screen. */
export const REVEAL_MS = 10_000;

export interface CommandDeps {
  service: TokenService;
  settings: SettingsStore;
  clipboard: Pick<ReturnType<typeof createClipboardGuard>, 'copy'>;
  redactor: Redactor;
  /** Which copy formats are offered depends on the platform's shells. */
  platform: NodeJS.Platform;
  environment(): Promise<AppEnvironment>;
  /** Applies side effects of changed settings (login item, language, tray). */
  settingsChanged(previous: Settings, next: Settings): Promise<void>;
  /** Who took which token: every hand-out is recorded. */
  uses: ReturnType<typeof createTokenUses>;
  localApi: LocalApiPort;
  team: TeamMode;
  network: NetworkTrust;
  transfer: Transfer;
  shortcut: GlobalShortcut;
  updates: Updates;
}

/**
 * The named commands user intent arrives as, from the tray, the window or the local API. All
 * call the same functions, so a token copied from the tray is the one `tokentray token` prints.
 */
export function createCommands(deps: CommandDeps) {
  const { service } = deps;

  /**
   * A token valid for at least another minute (refreshed first when due), remembered by the log's
   * redactor and recorded as taken by this client; undefined when none can be had.
   */
  async function handOut(id: string, via: TokenUse['via'], client: string): Promise<string | undefined> {
    if (!service.getProfile(id)) throw new UnknownProfileError(id);
    const token = await service.getToken(id);
    if (token === undefined) return undefined;
    deps.redactor.remember(token);
    deps.uses.record(id, via, client);
    return token;
  }

  async function tokenFor(id: string, via: 'tray' | 'window' | 'shortcut'): Promise<string> {
    const token = await handOut(id, via, via);
    if (token === undefined) throw new AppError('no_token');
    return token;
  }

  async function copy(
    id: string,
    format: CopyFormat,
    via: 'tray' | 'window' | 'shortcut' = 'window',
  ): Promise<CopyResult> {
    const offered = service.getProfile(id);
    if (!offered) throw new UnknownProfileError(id);
    if (!copyFormatsFor(offered.usage, deps.platform).includes(format)) throw new AppError('format_unsupported');
    const token = await tokenFor(id, via);
    const view = service.getProfile(id);
    if (!view || !isProviderId(view.provider)) throw new UnknownProfileError(id);
    const seconds = deps.settings.get().clipboardClearSeconds;
    await deps.clipboard.copy(formatToken({ ...view, provider: view.provider }, token, format), seconds * 1000);
    return { clearsInSeconds: seconds };
  }

  /** A JWT's header and claims, decoded here; the token itself stays in main. */
  async function inspect(id: string): Promise<Inspection> {
    const token = await tokenFor(id, 'window');
    const decoded = decodeJwt(token);
    return decoded ? { kind: 'jwt', ...decoded } : { kind: 'opaque', length: token.length };
  }

  async function reveal(id: string): Promise<RevealResult> {
    return { token: await tokenFor(id, 'window'), hideAfterMs: REVEAL_MS };
  }

  async function setSettings(patch: Partial<Settings>): Promise<Settings> {
    const previous = deps.settings.get();
    const next = deps.settings.update(patch);
    try {
      await deps.settingsChanged(previous, next);
    } catch (error) {
      // The change could not take effect (start at login refused): do not pretend it did.
      deps.settings.update(previous);
      throw error;
    }
    return next;
  }

  const handlers: InvokeHandlers = {
    'profiles:list': () => service.listProfiles(),
    'profiles:add': (input) => service.addProfile(input),
    'profiles:update': (id, patch) => service.updateProfile(id, patch),
    'profiles:remove': async (id) => {
      await service.removeProfile(id);
      return null;
    },
    'profiles:refresh': (id: string, options?: { force?: boolean }) => service.refresh(id, options),
    'profiles:test': (input) => service.testCredentials(input),
    'token:copy': (id, format) => copy(id, format, 'window'),
    'token:reveal': reveal,
    'token:inspect': inspect,
    'settings:get': () => deps.settings.get(),
    'settings:set': setSettings,
    'app:environment': () => deps.environment(),
    'token:uses': () => deps.uses.all(),
    'api:status': () => deps.localApi.status(),
    'gateway:info': async (id) => {
      const info = await deps.localApi.gatewayInfo(id);
      if (!info) throw new UnknownProfileError(id);
      return info;
    },
    'api:regenerate-secret': () => deps.localApi.regenerateSecret(),
    'team:info': () => deps.team.info(),
    'team:set-secrets': (patch) => deps.team.setSecrets(patch),
    'team:new-key': () => deps.team.newKey(),
    'team:reveal-key': () => deps.team.revealKey(),
    'profiles:export': (ids, options) => deps.transfer.exportProfiles(ids, options.passphrase),
    'import:open': () => deps.transfer.openImport(),
    'import:unlock': (ticket, passphrase) => deps.transfer.unlock(ticket, passphrase),
    'import:apply': (ticket, choices) => deps.transfer.apply(ticket, choices),
    'shortcut:info': () => deps.shortcut.info(deps.settings.get().shortcut),
    'updates:info': () => deps.updates.info(),
    'updates:check': () => deps.updates.check(),
    'updates:install': async () => {
      await deps.updates.install();
      return null;
    },
    'network:info': () => deps.network.info(),
    'network:choose-ca': () => deps.network.chooseCa(),
    'network:clear-ca': () => deps.network.clearCa(),
    'api:copy-secret': async () => {
      const secret = deps.localApi.secret();
      if (secret === '') throw new AppError('api_unavailable');
      const seconds = deps.settings.get().clipboardClearSeconds;
      await deps.clipboard.copy(secret, seconds * 1000);
      return { clearsInSeconds: seconds };
    },
  };

  return { copy, reveal, setSettings, handOut, handlers };
}
