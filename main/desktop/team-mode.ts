import type { TeamInfo } from '../contract/ipc.ts';
import {
  type Cipher,
  isTeamUrl,
  type KeyValueStore,
  type Logger,
  newTeamKey,
  parseTeamKey,
  type RedisTeamOptions,
  type TeamPort,
  type TokenService,
} from '../core/index.ts';
import type { Redactor } from '../logging/log-redaction.ts';
import { AppError } from './app-error.ts';
import type { SettingsStore } from './settings-store.ts';

/** Where the team key and the Redis password are kept, sealed with the OS keychain. */
const SECRETS_KEY = 'teamSecrets';

interface TeamSecrets {
  teamKey?: string;
  password?: string;
}

export interface TeamModeDeps {
  store: KeyValueStore;
  cipher: Cipher;
  settings: SettingsStore;
  service: Pick<TokenService, 'setTeam' | 'teamStatus'>;
  createTeam(options: RedisTeamOptions): Promise<TeamPort>;
  /** `user@host`, the name a member signs its refreshes with unless Settings give another. */
  defaultMember(): string;
  redactor: Redactor;
  logger: Logger;
  /** The company CA file's certificates (Settings → Network): trusted for rediss:// too. */
  extraCertificates?: () => readonly string[];
}

/**
 * Team mode on the desktop: Settings → Team hold the address, role and name; the team key and
 * the Redis password are sealed with the OS keychain apart from them. Applying connects the
 * engine to the team (or leaves it); a bad address or key is refused before anything changes.
 */
export function createTeamMode(deps: TeamModeDeps) {
  let problem: string | null = null;

  async function readSecrets(): Promise<TeamSecrets> {
    const sealed = deps.store.get(SECRETS_KEY, {}) as Record<string, unknown>;
    const open = async (value: unknown) =>
      typeof value === 'string' ? await deps.cipher.decrypt(value).catch(() => undefined) : undefined;
    const [teamKey, password] = await Promise.all([open(sealed?.teamKey), open(sealed?.password)]);
    for (const secret of [teamKey, password]) if (secret) deps.redactor.remember(secret);
    return { ...(teamKey ? { teamKey } : {}), ...(password ? { password } : {}) };
  }

  async function writeSecrets(next: TeamSecrets): Promise<void> {
    const sealed: Record<string, string> = {};
    if (next.teamKey) sealed.teamKey = await deps.cipher.encrypt(next.teamKey);
    if (next.password) sealed.password = await deps.cipher.encrypt(next.password);
    deps.store.set(SECRETS_KEY, sealed);
  }

  function checkKey(teamKey: string): string {
    try {
      parseTeamKey(teamKey);
    } catch {
      throw new AppError('team_key_invalid');
    }
    return teamKey.trim();
  }

  async function info(): Promise<TeamInfo> {
    const team = deps.settings.get().team;
    const secrets = await readSecrets();
    return {
      enabled: team.enabled,
      connection: team.enabled ? (deps.service.teamStatus()?.connection ?? null) : null,
      problem: problem ?? (team.enabled && deps.service.teamStatus()?.keyMismatch ? 'team_key_mismatch' : null),
      hasKey: secrets.teamKey !== undefined,
      hasPassword: secrets.password !== undefined,
      member: team.member || deps.defaultMember(),
    };
  }

  /**
   * Connects the engine to the team Settings describe, or leaves team mode. Throws AppError (and
   * changes nothing) for an address or key that cannot work; a Redis that does not answer is not
   * an error here: the connection state shows it, and it is retried.
   */
  async function apply(team = deps.settings.get().team): Promise<void> {
    if (!team.enabled) {
      problem = null;
      await deps.service.setTeam(undefined);
      return;
    }
    const url = team.url.trim();
    if (!isTeamUrl(url)) {
      throw new AppError('team_url_invalid');
    }
    const secrets = await readSecrets();
    if (!secrets.teamKey) throw new AppError('team_key_missing');
    const port = await deps.createTeam({
      url,
      ...(team.username ? { username: team.username } : {}),
      ...(secrets.password ? { password: secrets.password } : {}),
      prefix: team.prefix,
      teamKey: checkKey(secrets.teamKey),
      member: team.member || deps.defaultMember(),
      role: team.role,
      soloWhenUnreachable: team.soloWhenUnreachable,
      logger: deps.logger,
      ...(deps.extraCertificates ? { extraCertificates: deps.extraCertificates } : {}),
    });
    problem = null;
    await deps.service.setTeam(port);
    deps.logger.info('team mode on', { prefix: team.prefix, role: team.role });
  }

  /** At start-up: a team that cannot start is reported in Settings, never a failed start. */
  async function start(): Promise<void> {
    await apply().catch((error: unknown) => {
      // Anything else the Redis client refuses at creation is an address it cannot use.
      problem = error instanceof AppError ? error.code : 'team_url_invalid';
      deps.logger.warn('team mode not started', { problem });
    });
  }

  return {
    start,
    apply,
    info,
    async setSecrets(patch: { teamKey?: string | undefined; password?: string | undefined }): Promise<TeamInfo> {
      const current = await readSecrets();
      const next: TeamSecrets = { ...current };
      if (patch.teamKey !== undefined) next.teamKey = checkKey(patch.teamKey);
      if (patch.password !== undefined) {
        if (patch.password === '') delete next.password;
        else next.password = patch.password;
      }
      for (const secret of [next.teamKey, next.password]) if (secret) deps.redactor.remember(secret);
      await writeSecrets(next);
      if (deps.settings.get().team.enabled) await start();
      return info();
    },
    async newKey(): Promise<{ teamKey: string }> {
      const teamKey = newTeamKey();
      deps.redactor.remember(teamKey);
      await writeSecrets({ ...(await readSecrets()), teamKey });
      if (deps.settings.get().team.enabled) await start();
      return { teamKey };
    },
    async revealKey(): Promise<{ teamKey: string }> {
      const { teamKey } = await readSecrets();
      if (!teamKey) throw new AppError('team_key_missing');
      return { teamKey };
    },
  };
}

export type TeamMode = ReturnType<typeof createTeamMode>;
