import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod/mini';
import { createTranslator, type MessageKey, type Translator } from '../contract/i18n.ts';
import { loadCronParser } from '../core/cron-schedule.ts';
import { isProviderId, ProfileInputError } from '../core/index.ts';
import { cleanKey, cleanSettings } from '../core/profile-input.ts';
import { describeIssue, type Issue, providerProblems } from './config-problems.ts';

/**
 * The server's configuration file (JSON or YAML), validated with zod: every mistake is reported
 * with the path of the field (`profiles[2].apiKey`). Keys and the team key are never written in
 * it: each names an environment variable or a file that holds the value.
 */

const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const text = z.string().check(z.minLength(1));
/** Where a secret is: `{env: NAME}` or `{file: /run/secrets/name}`. */
const secretSource = z.union([z.strictObject({ env: text }), z.strictObject({ file: text })]);

const profileSchema = z.strictObject({
  name: text,
  provider: text,
  tokenUrl: z.optional(text),
  options: z.optional(z.record(z.string(), z.unknown())),
  apiKey: secretSource,
  secretKey: secretSource,
  refreshMarginMinutes: z.optional(int(0, 30 * 24 * 60)),
  cron: z.optional(text),
  /** Shared with the team; defaults to true when a team is configured. */
  shared: z.optional(z.boolean()),
  /** `direct` or a proxy URL; absent follows HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  proxy: z.optional(text),
});

export const serverConfigSchema = z.strictObject({
  /** Tokens (encrypted), the API secret and the local socket live here. */
  state: text,
  listen: z.strictObject({
    host: z._default(text, '127.0.0.1'),
    port: int(1, 65_535),
    tls: z.optional(z.strictObject({ cert: text, key: text })),
    /** Host names clients may reach the server by, besides localhost and loopback addresses. */
    allowedHosts: z.optional(z.array(text)),
    /** Connections at once (gateway streams count); the slowest idle one gives way at the cap. */
    maxConnections: z._default(int(16, 65_535), 1024),
  }),
  team: z.optional(
    z.strictObject({
      url: text,
      username: z.optional(text),
      password: z.optional(secretSource),
      prefix: z._default(text, 'tokentray'),
      teamKey: secretSource,
      role: z._default(z.enum(['member', 'reader']), 'member'),
      member: z.optional(text),
      soloWhenUnreachable: z._default(z.boolean(), false),
      lockSeconds: z._default(int(5, 600), 30),
    }),
  ),
  /** A PEM file of certificate authorities to trust beside Node's and the system's (a company CA). */
  extraCaFile: z.optional(text),
  /** Token requests in flight at once to one host. */
  requestsPerHost: z._default(int(1, 64), 8),
  /**
   * Who may call providers through the gateway (besides the API secret): each client's key, and
   * the profiles (by name) it may use; `SIGHUP` reads them again, so a removed client is revoked.
   */
  gateway: z.optional(
    z.strictObject({
      clients: z.array(z.strictObject({ name: text, key: secretSource, profiles: z.optional(z.array(text)) })),
    }),
  ),
  profiles: z.array(profileSchema),
});

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type ServerProfile = ServerConfig['profiles'][number];

/** A configuration that cannot be used, with every reason, each naming its field. */
export class ConfigError extends Error {
  readonly problems: string[];
  /** The file as read, when it could be read and parsed but not used (--check still checks its secrets). */
  readonly data: unknown;
  constructor(file: string, problems: string[], data?: unknown) {
    super(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.data = data;
  }
}

const english = createTranslator('en');

/** The field names an object at `path` of the configuration may have (for "did you mean"). */
function knownFields(path: readonly PropertyKey[]): string[] {
  type Def = { type: string; shape?: Record<string, unknown>; element?: unknown; innerType?: unknown };
  const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;
  let def = defOf(serverConfigSchema);
  const unwrap = () => {
    while ((def.type === 'optional' || def.type === 'default') && def.innerType) def = defOf(def.innerType);
  };
  for (const part of path) {
    unwrap();
    if (typeof part === 'number' && def.element) def = defOf(def.element);
    else if (typeof part === 'string' && def.shape?.[part]) def = defOf(def.shape[part]);
    else return [];
  }
  unwrap();
  if (def.type === 'array' && def.element) def = defOf(def.element);
  unwrap();
  return Object.keys(def.shape ?? {});
}

/** Reads and checks the file; relative paths in it are relative to the file. */
export async function loadServerConfig(file: string, tr: Translator = english): Promise<ServerConfig> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [
      tr.t('server.config_unreadable', { code: (error as NodeJS.ErrnoException).code ?? 'error' }),
    ]);
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(file) ? parseYaml(raw) : JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(file, [
      tr.t('server.config_syntax', {
        format: /\.ya?ml$/i.test(file) ? 'YAML' : 'JSON',
        detail: (error as Error).message.split('\n')[0] ?? '',
      }),
    ]);
  }
  const parsed = serverConfigSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.flatMap((issue) => describeIssue(issue as Issue, knownFields, tr).split('\n')),
      data,
    );
  }
  const config = parsed.data;
  // Cron expressions are checked as a start checks them, with the parser loaded on demand.
  if (config.profiles.some((profile) => profile.cron)) await loadCronParser();
  const names = new Set<string>();
  const problems: string[] = [];
  config.profiles.forEach((profile, i) => {
    if (names.has(profile.name))
      problems.push(`profiles[${i}].name: ${tr.t('server.name_twice', { name: profile.name })}`);
    names.add(profile.name);
    problems.push(...profileProblems(profile, `profiles[${i}]`, tr));
  });
  config.gateway?.clients.forEach((client, i) => {
    for (const name of client.profiles ?? []) {
      if (!names.has(name))
        problems.push(
          `gateway.clients[${i}].profiles: ${tr.t('server.no_such_profile', { name, names: [...names].join(', ') })}`,
        );
    }
  });
  if (problems.length > 0) throw new ConfigError(file, problems, data);
  const base = resolve(file, '..');
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  config.state = absolute(config.state);
  if (config.listen.tls)
    config.listen.tls = { cert: absolute(config.listen.tls.cert), key: absolute(config.listen.tls.key) };
  if (config.extraCaFile) config.extraCaFile = absolute(config.extraCaFile);
  return config;
}

/**
 * What a start would refuse about a profile, found before it: the provider and its options (with
 * the allowed values), then everything else the engine checks (token URL, cron, proxy…).
 */
function profileProblems(profile: ServerProfile, where: string, tr: Translator): string[] {
  const catalogue = providerProblems(where, profile.provider, profile.options, tr);
  if (catalogue.length > 0) return catalogue;
  try {
    cleanSettings(
      {
        name: profile.name,
        provider: profile.provider as never,
        ...(profile.tokenUrl ? { tokenUrl: profile.tokenUrl } : {}),
        ...(profile.options ? { options: profile.options } : {}),
        ...(profile.cron ? { cron: profile.cron } : {}),
        ...(profile.proxy ? { proxy: profile.proxy } : {}),
      },
      Date.now(),
    );
    return [];
  } catch (error) {
    if (!(error instanceof ProfileInputError)) throw error;
    return [`${where}.${error.field}: ${tr.t(error.messageKey as MessageKey)}`];
  }
}

type SecretSource = { env: string } | { file: string };

/** A secret from the environment or a file (relative to the configuration); what is wrong goes to `problems`. */
async function readSecret(
  source: SecretSource,
  where: string,
  context: { env: NodeJS.ProcessEnv; file: string; tr: Translator; problems: string[] },
): Promise<string> {
  const { env, file, tr, problems } = context;
  if ('env' in source) {
    const value = env[source.env]?.trim();
    if (!value) problems.push(`${where}: ${tr.t('server.env_unset', { name: source.env })}`);
    return value ?? '';
  }
  try {
    const value = (await readFile(resolve(file, '..', source.file), 'utf8')).trim();
    if (!value) problems.push(`${where}: ${tr.t('server.file_empty', { file: source.file })}`);
    return value;
  } catch (error) {
    problems.push(
      `${where}: ${tr.t('server.file_unreadable', { file: source.file, code: (error as NodeJS.ErrnoException).code ?? 'error' })}`,
    );
    return '';
  }
}

/** Every place a configuration names a secret, found in the file as read even when it is not valid. */
function secretSourcesIn(data: unknown): [where: string, source: SecretSource][] {
  const at = (value: unknown, key: string): unknown =>
    value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const source = (value: unknown): SecretSource | undefined => {
    const env = at(value, 'env');
    const file = at(value, 'file');
    if (typeof env === 'string' && env !== '') return { env };
    if (typeof file === 'string' && file !== '') return { file };
    return undefined;
  };
  const found: [string, SecretSource | undefined][] = [];
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  list(at(data, 'profiles')).forEach((profile, i) => {
    for (const field of ['apiKey', 'secretKey']) found.push([`profiles[${i}].${field}`, source(at(profile, field))]);
  });
  const team = at(data, 'team');
  found.push(['team.teamKey', source(at(team, 'teamKey'))], ['team.password', source(at(team, 'password'))]);
  list(at(at(data, 'gateway'), 'clients')).forEach((client, i) => {
    found.push([`gateway.clients[${i}].key`, source(at(client, 'key'))]);
  });
  return found.flatMap(([where, each]) => (each ? [[where, each] as [string, SecretSource]] : []));
}

/**
 * What `--check` says: everything a start would refuse, at once. A configuration that cannot be
 * used as a whole still has its secrets looked for, so a missing variable or file is not found only
 * on the second try.
 */
export async function checkServerConfig(file: string, env: NodeJS.ProcessEnv, tr: Translator = english): Promise<void> {
  let config: ServerConfig;
  try {
    config = await loadServerConfig(file, tr);
  } catch (error) {
    if (!(error instanceof ConfigError) || error.data === undefined) throw error;
    const problems = [...error.problems];
    // Providers and their options, as a start would refuse them, for every profile that names one.
    const profiles = (error.data as { profiles?: unknown }).profiles;
    (Array.isArray(profiles) ? profiles : []).forEach((profile: unknown, i) => {
      const { provider, options } = (profile ?? {}) as { provider?: unknown; options?: unknown };
      if (typeof provider !== 'string') return;
      const given = options !== null && typeof options === 'object' ? (options as Record<string, unknown>) : undefined;
      problems.push(...providerProblems(`profiles[${i}]`, provider, given, tr));
    });
    for (const [where, source] of secretSourcesIn(error.data))
      await readSecret(source, where, { env, file, tr, problems });
    throw new ConfigError(file, [...new Set(problems)]);
  }
  await resolveSecrets(config, env, file, tr);
}

/** Reads the secrets a configuration names; every one that is missing is reported at once. */
export async function resolveSecrets(
  config: ServerConfig,
  env: NodeJS.ProcessEnv,
  file: string,
  tr: Translator = english,
  /**
   * A start (not --check): a profile whose key source is unset or unreadable is not a reason to
   * refuse the rest; it starts as needing keys, naming the source (`keysUnavailable`).
   */
  lenient = false,
) {
  const problems: string[] = [];
  /** Per profile, the key sources that gave nothing (lenient only). */
  const unavailable = new Map<number, string[]>();
  async function read(source: SecretSource, where: string, profileIndex?: number): Promise<string> {
    if (lenient && profileIndex !== undefined) {
      const value =
        'env' in source
          ? env[source.env]?.trim()
          : await readFile(resolve(file, '..', source.file), 'utf8').then(
              (text) => text.trim(),
              () => undefined,
            );
      if (value) return value;
      const named = 'env' in source ? `$${source.env}` : source.file;
      unavailable.set(profileIndex, [...(unavailable.get(profileIndex) ?? []), named]);
      return '';
    }
    return readSecret(source, where, { env, file, tr, problems });
  }
  /** A key read from its source, checked as the engine would (never repeated in the message). */
  async function readKey(profile: ServerProfile, field: 'apiKey' | 'secretKey', i: number): Promise<string> {
    const where = `profiles[${i}].${field}`;
    const value = await read(profile[field], where, i);
    if (value === '' || !isProviderId(profile.provider)) return value;
    try {
      return cleanKey(field, value, profile.provider);
    } catch (error) {
      if (!(error instanceof ProfileInputError)) throw error;
      problems.push(`${where}: ${tr.t(error.messageKey as MessageKey)}`);
      return value;
    }
  }
  const profiles = await Promise.all(
    config.profiles.map(async (profile, i) => {
      const apiKey = await readKey(profile, 'apiKey', i);
      const secretKey = await readKey(profile, 'secretKey', i);
      const missing = unavailable.get(i);
      return { ...profile, apiKey, secretKey, ...(missing ? { keysUnavailable: missing.join(', ') } : {}) };
    }),
  );
  const team = config.team
    ? {
        ...config.team,
        teamKey: await read(config.team.teamKey, 'team.teamKey'),
        password: config.team.password ? await read(config.team.password, 'team.password') : undefined,
        member: config.team.member ?? `tokentray-server@${hostname()}`,
      }
    : undefined;
  const gatewayClients = await Promise.all(
    (config.gateway?.clients ?? []).map(async (client, i) => ({
      name: client.name,
      key: await read(client.key, `gateway.clients[${i}].key`),
      ...(client.profiles ? { profiles: client.profiles } : {}),
    })),
  );
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { profiles, team, gatewayClients };
}
