import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import type { Translator } from '../contract/i18n.ts';
import type { ProfileView } from '../core/index.ts';

/**
 * `tokentray-server` (or `npm run server`) without --config: a configuration made in
 * `./.tokentray-server/` that serves at once — solo (no Redis), state beside it, loopback only —
 * with one Baidu profile whose keys come from the environment; it waits as needing keys until
 * they are set. The file is kept, so the next start uses (and the user edits) the same one.
 */
export const QUICK_START_FOLDER = '.tokentray-server';

const DEFAULT_CONFIG = `# Made by tokentray-server started without --config. Edit it freely: every field is
# described in docs/server.md, and deploy/server.example.yaml shows a production setup.
# Keys are never written here: each names an environment variable or a file.
state: ./state
listen:
  host: 127.0.0.1
  port: {port}
profiles:
  - name: ernie
    provider: baidu
    apiKey: { env: BAIDU_API_KEY }
    secretKey: { env: BAIDU_SECRET_KEY }
`;

/** Whether nothing listens on a loopback port now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The quick-start configuration file, made on first use with 8765 or the next free port. */
export async function quickStartConfig(cwd: string): Promise<{ file: string; created: boolean }> {
  const folder = join(cwd, QUICK_START_FOLDER);
  const file = join(folder, 'server.yaml');
  if (existsSync(file)) return { file, created: false };
  let port = 8765;
  while (port < 8800 && !(await portFree(port))) port++;
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(file, DEFAULT_CONFIG.replace('{port}', String(port)), { mode: 0o600 });
  return { file, created: true };
}

/** What a person reads once the quick-start server is up: where things are and what to try next. */
export function quickStartText(
  options: { cwd: string; file: string; created: boolean; url: string; secretFile: string },
  profiles: readonly ProfileView[],
  tr: Translator,
): string {
  const rel = (path: string) => relative(options.cwd, path) || '.';
  const lines = [
    tr.t(options.created ? 'server.quick_created' : 'server.quick_using', { file: rel(options.file) }),
    tr.t('server.quick_running', { url: options.url }),
    tr.t('server.quick_secret', { file: rel(options.secretFile) }),
    '',
    tr.t('server.quick_try'),
    `  curl -s ${options.url}/healthz`,
    `  npx tokentray --url ${options.url} --secret-file ${rel(options.secretFile)} status`,
    `  npx tokentray --url ${options.url} --secret-file ${rel(options.secretFile)} token ernie`,
  ];
  for (const profile of profiles) {
    const source =
      profile.error?.messageKey === 'credentials_missing' ? profile.error.messageParams?.source : undefined;
    if (source) lines.push('', tr.t('server.quick_needs_keys', { name: profile.name, source }));
  }
  lines.push('', tr.t('server.quick_more'));
  return `${lines.join('\n')}\n`;
}
