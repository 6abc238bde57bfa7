import { parseArgs } from 'node:util';
import { createTranslator, environmentLocale, type MessageKey, type Translator } from '../contract/i18n.ts';
import {
  apiLocation,
  apiPaths,
  defaultDataDir,
  ENV_SHELLS,
  EXIT,
  type GatewayInfo,
  NEEDS_KEYS_CODES,
  type ProfileSummary,
  TOKEN_FORMATS,
  type TokenAnswer,
  tokenEnvironment,
} from '../contract/local-api.ts';
import { type ApiResult, type ApiTarget, callApi } from './api-client.ts';
import { COMMAND_OPTIONS, OPTIONS, type OptionName } from './commands.ts';
import { COMPLETION_SHELLS, completionScript } from './completion.ts';
import { errorWords, stateWords, table, until } from './output.ts';

/** What the CLI touches of the world, so tests drive it in-process as the entry point does. */
export interface CliIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  version: string;
  now(): number;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Runs a program with this environment, its output on ours; resolves with its exit code. */
  run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number>;
}

/** The CLI speaks the language of its environment. */
export const cliLocale = environmentLocale;

/** Ends the command with an exit code and, on stderr, why. */
class Exit extends Error {
  readonly code: number;
  readonly text: string;
  constructor(code: number, text = '') {
    super(`exit ${code}`);
    this.code = code;
    this.text = text;
  }
}

export async function runCli(io: CliIo): Promise<number> {
  const tr = createTranslator(cliLocale(io.env));
  try {
    return await dispatch(io, tr);
  } catch (error) {
    if (!(error instanceof Exit)) throw error;
    if (error.text) io.stderr(`${error.text}\n`);
    return error.code;
  }
}

function usage(tr: Translator, key: MessageKey, params?: Record<string, string>): Exit {
  return new Exit(EXIT.usage, tr.t(key, params));
}

async function dispatch(io: CliIo, tr: Translator): Promise<number> {
  const split = io.argv.indexOf('--');
  const head = split < 0 ? [...io.argv] : io.argv.slice(0, split);
  const tail = split < 0 ? [] : io.argv.slice(split + 1);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: head, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own words name the option in quotes; ours say it in the user's language.
    const text = error instanceof Error ? error.message : String(error);
    const option = /'(-[^' ]*)/.exec(text)?.[1] ?? text;
    const help = helpFor(head.find((arg) => arg in COMMAND_OPTIONS));
    const missing = (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE';
    throw usage(tr, missing ? 'cli.option_value' : 'cli.unknown_option', { option, help });
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const help = helpFor(command);
  const dataDir = values['data-dir'] || io.env.TOKENTRAY_DATA_DIR || defaultDataDir(io.platform, io.env, io.home);
  const location = apiLocation(dataDir, io.platform);
  const url = values.url || io.env.TOKENTRAY_URL;
  let target: ApiTarget = location;
  if (url) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw usage(tr, 'cli.bad_value', { value: url, allowed: 'http://host:port, https://host:port' });
    }
    target = {
      endpoint: url,
      url: new URL(url),
      secretFile: values['secret-file'] || io.env.TOKENTRAY_SECRET_FILE || location.secretFile,
      secret: io.env.TOKENTRAY_SECRET,
      secretFileGiven: Boolean(values['secret-file'] || io.env.TOKENTRAY_SECRET_FILE),
    };
  }

  if (values.version) return print(io, io.version);
  if (command === undefined) {
    if (values.help) return print(io, tr.t('cli.help', { dataDir }));
    throw usage(tr, 'cli.help', { dataDir });
  }
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed) throw usage(tr, 'cli.unknown_command', { command });
  if (values.help) return print(io, tr.t(`cli.help_${command as 'list'}`));
  for (const name of Object.keys(values) as OptionName[]) {
    if (!['data-dir', 'url', 'secret-file', 'help', 'version', ...allowed].includes(name)) {
      throw usage(tr, 'cli.unknown_option', { option: `--${name}`, help });
    }
  }
  if (command !== 'exec' && tail.length > 0) throw usage(tr, 'cli.unexpected', { value: '--', help });

  const api = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    callApi(target, method, path, { version: io.version, command, body }).then((result) =>
      expectOk(result, tr, target, rest[0] ?? ''),
    );
  const profile = () => {
    if (rest[0] === undefined) throw usage(tr, 'cli.missing_profile', { command });
    if (rest.length > 1) throw usage(tr, 'cli.unexpected', { value: rest[1] ?? '', help });
    return rest[0];
  };

  switch (command) {
    case 'completion': {
      const shell = rest[0] as (typeof COMPLETION_SHELLS)[number];
      if (rest.length !== 1 || !COMPLETION_SHELLS.includes(shell)) {
        throw usage(tr, 'cli.bad_value', { value: rest[0] ?? '', allowed: COMPLETION_SHELLS.join(', ') });
      }
      io.stdout(completionScript[shell]);
      return EXIT.ok;
    }
    case 'list':
    case 'status': {
      if (rest.length > 0) throw usage(tr, 'cli.unexpected', { value: rest[0] ?? '', help });
      const profiles = JSON.parse(await api('GET', apiPaths.profiles)) as ProfileSummary[];
      if (values.json) return print(io, JSON.stringify(profiles, null, 2));
      if (values.names) return print(io, profiles.map((p) => p.name).join('\n'), profiles.length > 0);
      if (profiles.length === 0) return print(io, tr.t('cli.no_profiles'));
      return print(io, command === 'list' ? listTable(profiles, tr) : statusTable(profiles, io.now(), tr));
    }
    case 'token': {
      const ref = profile();
      const format = values.format ?? 'raw';
      const shell = values.shell ?? 'sh';
      if (!(TOKEN_FORMATS as readonly string[]).includes(format)) {
        throw usage(tr, 'cli.bad_value', { value: format, allowed: TOKEN_FORMATS.join(', ') });
      }
      if (!(ENV_SHELLS as readonly string[]).includes(shell)) {
        throw usage(tr, 'cli.bad_value', { value: shell, allowed: ENV_SHELLS.join(', ') });
      }
      const query = new URLSearchParams({ format, ...(format === 'env' ? { shell } : {}) });
      const body = await api('GET', `${apiPaths.token(ref)}?${query}`);
      return print(io, format === 'json' ? JSON.stringify(JSON.parse(body), null, 2) : body);
    }
    case 'exec': {
      const ref = profile();
      const [program, ...args] = tail;
      if (program === undefined) throw usage(tr, 'cli.missing_command');
      const answer = JSON.parse(await api('GET', `${apiPaths.token(ref)}?format=json`)) as TokenAnswer;
      const env = { ...io.env, ...Object.fromEntries(tokenEnvironment(answer)) };
      try {
        return await io.run(program, args, env);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new Exit(EXIT.failure, tr.t('cli.exec_failed', { command: program, reason }));
      }
    }
    case 'refresh': {
      const ref = profile();
      // The token an API refused: the one `exec` gave this shell, else the one in use right now.
      let body: { rejected_token: string } | undefined;
      if (values.rejected) {
        const given = io.env.TOKENTRAY_ACCESS_TOKEN?.trim();
        body = { rejected_token: given || (await api('GET', `${apiPaths.token(ref)}?format=raw`)) };
      }
      const view = JSON.parse(await api('POST', apiPaths.refresh(ref), body)) as ProfileSummary;
      const remaining = until(view.expires_at, io.now(), tr);
      return print(
        io,
        view.expires_at === null
          ? tr.t('cli.refreshed_unknown', { name: view.name })
          : tr.t('cli.refreshed', { name: view.name, remaining }),
      );
    }
    case 'gateway': {
      const ref = profile();
      const info = JSON.parse(await api('GET', apiPaths.gateway(ref))) as GatewayInfo;
      if (values.json) return print(io, JSON.stringify(info, null, 2));
      return print(io, gatewayText(info, tr));
    }
  }
  throw usage(tr, 'cli.unknown_command', { command });
}

function helpFor(command: string | undefined): string {
  return command && command in COMMAND_OPTIONS ? `tokentray ${command} --help` : 'tokentray --help';
}

function print(io: CliIo, text: string, newline = true): number {
  io.stdout(newline ? `${text}\n` : text);
  return EXIT.ok;
}

/** The body of a good answer; otherwise the exit code and the words for what went wrong. */
function expectOk(result: ApiResult, tr: Translator, target: ApiTarget, ref: string): string {
  switch (result.kind) {
    case 'ok':
      return result.body;
    case 'not_running':
      throw new Exit(EXIT.appNotRunning, tr.t('cli.not_running', { endpoint: target.endpoint }));
    case 'unreachable':
      throw new Exit(
        EXIT.appNotRunning,
        tr.t('cli.server_unreachable', { url: target.endpoint, why: unreachableWords(result.code, tr) }),
      );
    case 'not_set_up':
      throw new Exit(
        EXIT.appNotRunning,
        target.url
          ? tr.t('cli.server_no_secret', { url: target.endpoint })
          : tr.t('cli.not_set_up', { dir: target.secretFile }),
      );
    case 'secret_unreadable':
      throw new Exit(EXIT.usage, tr.t('cli.secret_file_unreadable', { file: target.secretFile, code: result.code }));
  }
  const { error } = result;
  switch (error.error) {
    case 'unauthorized':
    case 'too_many_attempts':
      throw new Exit(EXIT.appNotRunning, tr.t('cli.secret_refused'));
    case 'unknown_profile':
      throw new Exit(EXIT.noSuchProfile, tr.t('cli.unknown_profile', { ref }));
    case 'ambiguous_profile': {
      const candidates = (error.candidates ?? []).map((name) => `  ${name}`).join('\n');
      throw new Exit(EXIT.noSuchProfile, tr.t('cli.ambiguous', { ref, candidates }));
    }
    case 'format_unsupported':
      if (error.formats)
        throw new Exit(
          EXIT.usage,
          tr.t('cli.format_refused', {
            name: error.message_params?.name ?? ref,
            formats: error.formats.join(', '),
            help: 'tokentray token --help',
          }),
        );
      throw new Exit(EXIT.usage, errorWords(error, tr).message);
    case 'bad_request':
      throw new Exit(EXIT.usage, errorWords(error, tr).message);
  }
  if (result.status >= 500 || result.status === 409) {
    const words = errorWords(error, tr);
    const text = `${tr.t('cli.refresh_failed', { name: ref, message: words.message, remedy: words.remedy })}\n(${error.error}${error.provider_code ? `: ${error.provider_code}` : ''})`;
    throw new Exit(NEEDS_KEYS_CODES.includes(error.error) ? EXIT.needsKeys : EXIT.refreshFailed, text.trim());
  }
  throw new Exit(EXIT.failure, tr.t('cli.failed', { message: errorWords(error, tr).message }));
}

/** Why a server's URL did not answer, from the error's code. */
function unreachableWords(code: string, tr: Translator): string {
  if (code === 'ECONNREFUSED') return tr.t('cli.why_refused');
  if (code === 'ETIMEDOUT') return tr.t('cli.why_timeout');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return tr.t('cli.why_dns');
  if (/CERT|SELF_SIGNED|TLS|SSL|ERR_SSL/i.test(code)) return tr.t('cli.why_tls', { code });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'HPE_INVALID_CONSTANT')
    return tr.t('cli.why_reset', { code });
  return tr.t('cli.why_other', { code });
}

function listTable(profiles: readonly ProfileSummary[], tr: Translator): string {
  const header = [tr.t('cli.col_name'), tr.t('cli.col_provider'), tr.t('cli.col_status')];
  return table([header, ...profiles.map((p) => [p.name, tr.provider(p.provider, 'name'), stateWords(p, tr)])]);
}

function statusTable(profiles: readonly ProfileSummary[], now: number, tr: Translator): string {
  const header = [tr.t('cli.col_name'), tr.t('cli.col_status'), tr.t('cli.col_expires'), tr.t('cli.col_next')];
  const rows = profiles.map((p) => [
    p.name,
    stateWords(p, tr),
    until(p.expires_at, now, tr),
    until(p.next_refresh_at, now, tr),
  ]);
  return table([header, ...rows]);
}

/** The gateway's base URLs, origins and snippets, as a person reads them. */
function gatewayText(info: GatewayInfo, tr: Translator): string {
  if (info.origins.length === 0) return tr.t('cli.gateway_off', { name: info.profile.name });
  const lines = [
    tr.t('cli.gateway_title', { name: info.profile.name, origins: info.origins.join(' ') }),
    ...(info.base.socket ? [`  socket  ${info.base.socket}`] : []),
    ...(info.base.tcp ? [`  tcp     ${info.base.tcp}`] : []),
  ];
  for (const snippet of info.snippets) lines.push('', `${snippet.title}:`, `  ${snippet.text}`);
  return lines.join('\n');
}
