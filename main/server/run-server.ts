import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Conf from 'conf';
import { createApiServer } from '../api/api-server.ts';
import type { Translator } from '../contract/i18n.ts';
import { apiLocation } from '../contract/local-api.ts';
import {
  createRedisTeam,
  createTokenService,
  type Logger,
  openStoreSafely,
  readAuthorities,
  startRefreshTick,
  type TeamPort,
} from '../core/index.ts';
import { createRedactor, rememberingCipher } from '../logging/log-redaction.ts';
import { ConfigError, loadServerConfig, resolveSecrets, type ServerConfig } from './config.ts';
import { createJsonLogger } from './json-logger.ts';
import { createServerMetrics } from './metrics.ts';
import { syncProfiles } from './profile-sync.ts';
import { openStateFolder } from './state-files.ts';

/** Resolves once the team store is connected, or after `ms` (the server starts either way). */
function waitForTeam(team: TeamPort, ms: number): Promise<void> {
  if (team.connection() === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const off = team.onConnection((state) => {
      if (state === 'connected') done();
    });
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

export interface ServerOptions {
  configFile: string;
  env: NodeJS.ProcessEnv;
  version: string;
  /** Where JSON log lines go; stdout by default. */
  writeLog?: (line: string) => void;
  /** The language configuration problems are told in (English by default). */
  tr?: Translator;
}

/**
 * `tokentray-server`: the engine without Electron, for the machine that never sleeps. Reads its
 * configuration, keeps its profiles in step with it, refreshes on the same schedule as the
 * desktop, and serves the same /v1 API (plus /healthz and /metrics).
 */
/** The extra CA file's certificates; a file that is missing or holds none stops the start (exit 2). */
async function readExtraAuthorities(config: ServerConfig, file: string): Promise<string[]> {
  if (!config.extraCaFile) return [];
  const text = await readFile(config.extraCaFile, 'utf8').catch(() => undefined);
  const read = text === undefined ? undefined : readAuthorities(text);
  if (read === undefined || typeof read === 'string') {
    const why = read === undefined ? 'cannot be read' : 'holds no PEM certificate';
    throw new ConfigError(file, [`extraCaFile: ${config.extraCaFile} ${why}`]);
  }
  return read.certificates;
}

/** How long a /healthz answer is kept. */
const HEALTH_KEPT_MS = 1000;

export async function startServer(options: ServerOptions) {
  const config = await loadServerConfig(options.configFile, options.tr);
  const secrets = await resolveSecrets(config, options.env, options.configFile, options.tr, true);
  const authorities = await readExtraAuthorities(config, options.configFile);
  const redactor = createRedactor();
  for (const profile of secrets.profiles) {
    redactor.remember(profile.apiKey);
    redactor.remember(profile.secretKey);
  }
  if (secrets.team) {
    redactor.remember(secrets.team.teamKey);
    if (secrets.team.password) redactor.remember(secrets.team.password);
  }
  /** The gateway's client keys; SIGHUP reads them again (a client taken out is revoked at once). */
  let gatewayClients = secrets.gatewayClients;
  for (const client of gatewayClients) redactor.remember(client.key);
  // Lines about a profile name it; the service that knows the names is made below.
  let profileName = (_id: string): string | undefined => undefined;
  const logger: Logger = createJsonLogger(redactor, options.writeLog, (id) => profileName(id));
  const metrics = createServerMetrics();
  const state = await openStateFolder(config.state);
  const opened = openStoreSafely(
    () => new Conf({ cwd: config.state, configName: 'tokens', configFileMode: 0o600, clearInvalidConfig: false }),
    join(config.state, 'tokens.json'),
  );
  if (opened.issue) logger.warn('state file problem', { kind: opened.issue.kind });

  let team: TeamPort | undefined;
  if (secrets.team) {
    team = await createRedisTeam({
      url: secrets.team.url,
      username: secrets.team.username,
      password: secrets.team.password,
      prefix: secrets.team.prefix,
      teamKey: secrets.team.teamKey,
      member: secrets.team.member,
      role: secrets.team.role,
      soloWhenUnreachable: secrets.team.soloWhenUnreachable,
      lockMs: secrets.team.lockSeconds * 1000,
      extraCertificates: () => authorities,
      logger,
      observer: metrics.team,
    });
    // The first refreshes go through the team: give the connection a moment before them.
    await waitForTeam(team, 5_000);
    logger.info('team store', { connection: team.connection(), prefix: secrets.team.prefix, role: secrets.team.role });
  }
  const service = createTokenService({
    store: opened.store,
    cipher: rememberingCipher(state.cipher, redactor),
    logger,
    http: { userAgent: `TokenTray-server/${options.version}`, extraCertificates: () => authorities },
    maxConcurrentRequests: config.requestsPerHost,
    // A refresh appends its record to a journal instead of rewriting every profile (10,000 of them).
    journalFile: join(config.state, 'tokens.journal'),
    observer: metrics.observer,
    ...(team ? { team } : {}),
  });
  metrics.attach(service);
  profileName = (id) => service.getProfile(id)?.name;
  try {
    const synced = await syncProfiles({
      service,
      store: opened.store,
      key: state.key,
      profiles: secrets.profiles,
      sharedByDefault: team !== undefined,
      file: options.configFile,
    });
    logger.info('profiles in step with the configuration', synced);
  } catch (error) {
    await service.close();
    throw error;
  }

  const tls = config.listen.tls
    ? { cert: await readFile(config.listen.tls.cert, 'utf8'), key: await readFile(config.listen.tls.key, 'utf8') }
    : undefined;
  let health: { at: number; answer: { status: number; body: unknown } } | undefined;
  const api = createApiServer({
    service,
    handOut: async (id, client) => {
      const token = await service.getToken(id);
      if (token !== undefined) {
        redactor.remember(token);
        metrics.handedOut(client.via);
      }
      return token;
    },
    onGatewayCall: (call) => metrics.gatewayCall(call),
    gatewayClients: () => gatewayClients,
    version: options.version,
    now: Date.now,
    location: apiLocation(config.state, process.platform),
    platform: process.platform,
    cliPath: null,
    logger,
    tcp: { host: config.listen.host, tls },
    ...(config.listen.allowedHosts ? { allowedHosts: config.listen.allowedHosts } : {}),
    maxConnections: config.listen.maxConnections,
    health: () => {
      // Asked without the secret, so a flood must not cost a pass over every profile each time:
      // the answer is kept for a second (a probe every few seconds still sees each change).
      const at = Date.now();
      if (!health || at - health.at >= HEALTH_KEPT_MS) health = { at, answer: checkHealth() };
      return health.answer;
    },
    metrics: () => metrics.render(),
  });
  function checkHealth() {
    const teamStatus = service.teamStatus();
    const views = service.listProfiles();
    const failing = views.filter((view) => view.error !== undefined).length;
    const teamProblem = teamStatus?.keyMismatch ? 'team_key_mismatch' : undefined;
    const degraded =
      failing > 0 || (teamStatus !== undefined && (teamStatus.connection !== 'connected' || teamStatus.keyMismatch));
    return {
      status: 200,
      body: {
        status: degraded ? 'degraded' : 'ok',
        profiles: views.length,
        failing,
        team: teamStatus?.connection ?? null,
        ...(teamProblem ? { teamProblem } : {}),
        ...(teamStatus?.unreadableSlots ? { unreadableSlots: teamStatus.unreadableSlots } : {}),
      },
    };
  }
  await api.start({ apiTcpEnabled: true, apiTcpPort: config.listen.port });
  redactor.remember(api.secret());
  const status = api.status();
  if (!status.tcpUrl) {
    await api.close();
    await service.close();
    throw new Error(`cannot listen on ${config.listen.host}:${config.listen.port} (${status.problem ?? 'unknown'})`);
  }
  const tick = startRefreshTick(service, { logger });
  await service.checkDue();
  logger.info('tokentray-server ready', {
    url: status.tcpUrl,
    socket: status.endpoint,
    profiles: service.listProfiles().length,
  });

  let stopping: Promise<void> | undefined;
  return {
    service,
    url: status.tcpUrl,
    location: apiLocation(config.state, process.platform),
    /**
     * Reads the gateway's clients from the configuration again (SIGHUP): keys removed or changed
     * stop working at once. A configuration that cannot be used keeps the clients as they were.
     */
    async reloadClients(): Promise<void> {
      try {
        const next = await resolveSecrets(await loadServerConfig(options.configFile), options.env, options.configFile);
        for (const client of next.gatewayClients) redactor.remember(client.key);
        gatewayClients = next.gatewayClients;
        logger.info('gateway clients reloaded', { clients: gatewayClients.map((client) => client.name) });
      } catch (error) {
        logger.error('reload refused: the configuration cannot be used', {
          problems: error instanceof ConfigError ? error.problems : [String(error)],
        });
      }
    },
    /** Stops taking requests, abandons refreshes in flight, saves, and closes the team. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        await tick.stop();
        await api.close();
        await service.close();
        logger.info('tokentray-server stopped');
      })();
      return stopping;
    },
  };
}
