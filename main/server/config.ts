import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod/mini';

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
  constructor(file: string, problems: string[]) {
    super(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );
}

/** Reads and checks the file; relative paths in it are relative to the file. */
export async function loadServerConfig(file: string): Promise<ServerConfig> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(file) ? parseYaml(raw) : JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(file, [
      `is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    ]);
  }
  const parsed = serverConfigSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => `${pathText(issue.path) || '(top level)'}: ${issue.message}`),
    );
  }
  const config = parsed.data;
  const names = new Set<string>();
  const problems: string[] = [];
  config.profiles.forEach((profile, i) => {
    if (names.has(profile.name)) problems.push(`profiles[${i}].name: "${profile.name}" is used twice`);
    names.add(profile.name);
  });
  config.gateway?.clients.forEach((client, i) => {
    for (const name of client.profiles ?? []) {
      if (!names.has(name)) problems.push(`gateway.clients[${i}].profiles: no profile is named "${name}"`);
    }
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
  const base = resolve(file, '..');
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  config.state = absolute(config.state);
  if (config.listen.tls)
    config.listen.tls = { cert: absolute(config.listen.tls.cert), key: absolute(config.listen.tls.key) };
  if (config.extraCaFile) config.extraCaFile = absolute(config.extraCaFile);
  return config;
}

/** Reads the secrets a configuration names; every one that is missing is reported at once. */
export async function resolveSecrets(config: ServerConfig, env: NodeJS.ProcessEnv, file: string) {
  const problems: string[] = [];
  async function read(source: { env: string } | { file: string }, where: string): Promise<string> {
    if ('env' in source) {
      const value = env[source.env]?.trim();
      if (!value) problems.push(`${where}: environment variable ${source.env} is not set`);
      return value ?? '';
    }
    try {
      const value = (await readFile(resolve(file, '..', source.file), 'utf8')).trim();
      if (!value) problems.push(`${where}: file ${source.file} is empty`);
      return value;
    } catch (error) {
      problems.push(
        `${where}: file ${source.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
      return '';
    }
  }
  const profiles = await Promise.all(
    config.profiles.map(async (profile, i) => ({
      ...profile,
      apiKey: await read(profile.apiKey, `profiles[${i}].apiKey`),
      secretKey: await read(profile.secretKey, `profiles[${i}].secretKey`),
    })),
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
