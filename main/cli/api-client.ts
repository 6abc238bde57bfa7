import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type ApiErrorBody, CLI_USER_AGENT } from '../contract/local-api.ts';

// `import 'node:http'` costs Node 24 some 35 ms: building the ES module namespace reads every
// export, and the lazy fetch/WebSocket ones load undici. require() reads none of them (~5 ms).
const load = createRequire(import.meta.url);
const { request } = load('node:http') as typeof import('node:http');

/**
 * Where the CLI finds the app: its socket (or pipe) and secret file, or a tokentray-server's URL
 * with a secret from a file or the environment.
 */
export interface ApiTarget {
  /** The socket, pipe or URL, as messages name it. */
  endpoint: string;
  /** `https://tokens.example:8765` for a server; absent for the local app's socket. */
  url?: URL | undefined;
  secretFile: string;
  /** A secret given directly (TOKENTRAY_SECRET), which wins over the file. */
  secret?: string | undefined;
  /** The secret file was named (--secret-file, TOKENTRAY_SECRET_FILE): one that cannot be read is its own error. */
  secretFileGiven?: boolean;
}

/** A token may need a refresh first, and a provider may be slow: give it well beyond the engine's timeout. */
const REQUEST_TIMEOUT_MS = 60_000;

export type ApiResult =
  | { kind: 'ok'; status: number; body: string }
  | { kind: 'error'; status: number; error: ApiErrorBody }
  /** Nothing answers: the app is not running (or runs with another data folder). */
  | { kind: 'not_running' }
  /** A server's URL did not answer: the error's code says why (refused, a timeout, TLS…). */
  | { kind: 'unreachable'; code: string }
  /** No secret file: the app never started with this data folder. */
  | { kind: 'not_set_up' }
  /** The secret file given (--secret-file, TOKENTRAY_SECRET_FILE) cannot be read. */
  | { kind: 'secret_unreadable'; code: string };

async function readSecret(target: ApiTarget): Promise<string | { code: string } | undefined> {
  if (target.secret) return target.secret;
  const text = await readFile(target.secretFile, 'utf8').catch((error: NodeJS.ErrnoException) =>
    target.secretFileGiven ? { code: error.code ?? 'EIO' } : undefined,
  );
  if (typeof text === 'object') return text;
  return text?.trim() || (target.secretFileGiven ? { code: 'EMPTY' } : undefined);
}

function once(
  target: ApiTarget,
  secret: string,
  method: string,
  path: string,
  agent: string,
  body: string | undefined,
): Promise<{ status: number; body: string } | 'not_running' | { unreachable: string }> {
  return new Promise((resolve, reject) => {
    const { url } = target;
    const send = url?.protocol === 'https:' ? (load('node:https') as typeof import('node:https')).request : request;
    const req = send(
      {
        ...(url
          ? { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined, protocol: url.protocol }
          : { socketPath: target.endpoint }),
        path: url ? `${url.pathname.replace(/\/$/, '')}${path}` : path,
        method,
        headers: {
          host: url ? url.host : 'localhost',
          authorization: `Bearer ${secret}`,
          'user-agent': agent,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A server's URL: say why it did not answer (refused, a timeout, a name, TLS).
      if (url && error.code) return resolve({ unreachable: error.code });
      // No socket file, nobody listening, or a socket left by an app that was killed.
      if (
        ['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTSOCK', 'EHOSTUNREACH', 'ENOTFOUND'].includes(
          error.code ?? '',
        )
      ) {
        resolve('not_running');
      } else reject(error);
    });
    req.end(body);
  });
}

function parseError(status: number, body: string): ApiErrorBody {
  try {
    const parsed = JSON.parse(body) as ApiErrorBody;
    if (typeof parsed.error === 'string') return parsed;
  } catch {
    // not JSON: described below
  }
  return { error: 'internal', message: `HTTP ${status}` };
}

/**
 * One request to the running app, as `tokentray` makes it: over the socket, with the secret from
 * the file beside it. A 401 right after Settings made a new secret is retried once with the new one.
 */
export async function callApi(
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  options: { version: string; command: string; body?: unknown },
): Promise<ApiResult> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const agent = `${CLI_USER_AGENT}/${options.version} ${options.command}`;
  let secret = await readSecret(target);
  if (secret === undefined) return { kind: 'not_set_up' };
  if (typeof secret === 'object') return { kind: 'secret_unreadable', code: secret.code };
  for (let attempt = 0; ; attempt++) {
    const answer = await once(target, secret, method, path, agent, body);
    if (answer === 'not_running') return { kind: 'not_running' };
    if ('unreachable' in answer) return { kind: 'unreachable', code: answer.unreachable };
    if (answer.status === 401 && attempt === 0) {
      const fresh = await readSecret(target);
      if (typeof fresh === 'string' && fresh !== secret) {
        secret = fresh;
        continue;
      }
    }
    if (answer.status >= 200 && answer.status < 300) return { kind: 'ok', ...answer };
    return { kind: 'error', status: answer.status, error: parseError(answer.status, answer.body) };
  }
}
