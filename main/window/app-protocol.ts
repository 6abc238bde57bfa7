import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './main-window.ts';

/** The window's own origin: a privileged custom scheme instead of file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tokentray';
export const PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Standard (relative URLs resolve, the page has an origin) and secure (like https: module
 * scripts, no mixed-content warnings). Nothing else: no CSP bypass, no service workers.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/**
 * What the built window is made of, and nothing else. An allowlist rather than a MIME library:
 * a file of any other kind in the folder is not served at all.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const refuse = (status: number) => new Response(null, { status });

/**
 * Serves the built renderer folder on `app://tokentray/`. Only GET, only that host, only files
 * inside the folder (encoded `..`, backslashes and NUL are refused), only known types, each with
 * the page's CSP and `nosniff`.
 */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400);
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return refuse(400);
    }
    if (path === '/') path = '/index.html';
    if (/[\\\0]/.test(path)) return refuse(400);
    const file = resolve(join(root, path));
    const inside = relative(root, file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return refuse(404);
    const type = TYPES[extname(file).toLowerCase()];
    if (!type) return refuse(404);
    try {
      if (!(await stat(file)).isFile()) return refuse(404);
      const body = request.method === 'HEAD' ? null : await readFile(file);
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': type,
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        },
      });
    } catch {
      return refuse(404);
    }
  };
}
