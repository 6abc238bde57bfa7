import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type ApiErrorBody, type ApiLocation, CLI_USER_AGENT } from '../contract/local-api.ts';

// `import 'node:http'` costs Node 24 some 35 ms: building the ES module namespace reads every
// export, and the lazy fetch/WebSocket ones load undici. require() reads none of them (~5 ms).
const { request } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

/** A token may need a refresh first, and a provider may be slow: give it well beyond the engine's timeout. */
const REQUEST_TIMEOUT_MS = 60_000;

export type ApiResult =
  | { kind: 'ok'; status: number; body: string }
  | { kind: 'error'; status: number; error: ApiErrorBody }
  /** Nothing answers: the app is not running (or runs with another data folder). */
  | { kind: 'not_running' }
  /** No secret file: the app never started with this data folder. */
  | { kind: 'not_set_up' };

async function readSecret(location: ApiLocation): Promise<string | undefined> {
  const text = await readFile(location.secretFile, 'utf8').catch(() => undefined);
  return text?.trim() || undefined;
}

function once(
  location: ApiLocation,
  secret: string,
  method: string,
  path: string,
  agent: string,
): Promise<{ status: number; body: string } | 'not_running'> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: location.endpoint,
        path,
        method,
        headers: { host: 'localhost', authorization: `Bearer ${secret}`, 'user-agent': agent },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // No socket file, nobody listening, or a socket left by an app that was killed.
      if (['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTSOCK'].includes(error.code ?? '')) {
        resolve('not_running');
      } else reject(error);
    });
    req.end();
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
  location: ApiLocation,
  method: 'GET' | 'POST',
  path: string,
  options: { version: string; command: string },
): Promise<ApiResult> {
  const agent = `${CLI_USER_AGENT}/${options.version} ${options.command}`;
  let secret = await readSecret(location);
  if (secret === undefined) return { kind: 'not_set_up' };
  for (let attempt = 0; ; attempt++) {
    const answer = await once(location, secret, method, path, agent);
    if (answer === 'not_running') return { kind: 'not_running' };
    if (answer.status === 401 && attempt === 0) {
      const fresh = await readSecret(location);
      if (fresh !== undefined && fresh !== secret) {
        secret = fresh;
        continue;
      }
    }
    if (answer.status >= 200 && answer.status < 300) return { kind: 'ok', ...answer };
    return { kind: 'error', status: answer.status, error: parseError(answer.status, answer.body) };
  }
}
