import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, PAGE_URL } from '../../../main/window/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../../main/window/main-window.ts';

let root: string;
let handle: (request: Request) => Promise<Response>;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-protocol-'));
  root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>TokenTray</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {};');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'notes.txt'), 'not part of the page');
  writeFileSync(join(dir, 'config.json'), '{"secret":"outside the folder"}');
  handle = createAppProtocolHandler(root);
});
afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

describe('the app:// scheme that serves the window', () => {
  it('serves the page and its assets with their types, the CSP and nosniff', async () => {
    const page = await get(PAGE_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>TokenTray</title>');
    expect((await get('app://tokentray/assets/index-abc.js')).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await get('app://tokentray/assets/index-abc.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get('app://tokentray/')).status).toBe(200);
  });

  it.each([
    ['an encoded ../ out of the folder', 'app://tokentray/%2e%2e/config.json'],
    ['an encoded slash', 'app://tokentray/assets%2f..%2f..%2fconfig.json'],
    ['a backslash', 'app://tokentray/assets%5c..%5c..%5cconfig.json'],
    ['a NUL byte', 'app://tokentray/index.html%00.js'],
    ['an absolute path', 'app://tokentray/%2Fetc%2Fpasswd'],
  ])('refuses %s', async (_label, url) => {
    const response = await get(url);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain('outside the folder');
  });

  it.each([
    ['another host', 'app://evil/index.html', 404],
    ['a file of a kind the page does not use', 'app://tokentray/assets/notes.txt', 404],
    ['a missing file', 'app://tokentray/missing.js', 404],
    ['a folder', 'app://tokentray/assets', 404],
  ])('answers %s with %i', async (_label, url, status) => {
    expect((await get(url)).status).toBe(status);
  });

  it('answers only GET and HEAD', async () => {
    expect((await get(PAGE_URL, 'POST')).status).toBe(405);
    const head = await get(PAGE_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
