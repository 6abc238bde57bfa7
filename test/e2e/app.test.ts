/// <reference lib="dom" />
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';

/**
 * The installed Electron binary, found WITHOUT requiring the electron package (which would
 * start a download): node_modules/electron/path.txt names it once it has been downloaded.
 */
function electronBinary(): string | undefined {
  const pathFile = join(ROOT, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(ROOT, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
if (!binary) {
  console.log(
    'Skipping the Electron end-to-end suite: no Electron binary is installed (node_modules/electron/path.txt is ' +
      'missing). It runs where `npx electron --version` has downloaded one, e.g. the CI workflow on GitHub runners.',
  );
}

describe.skipIf(!binary)('TokenTray running in Electron', () => {
  let app: ElectronApplication;
  let window: Page;
  let server: FakeTokenServer;
  let userData: string;

  beforeAll(async () => {
    server = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
    userData = mkdtempSync(join(tmpdir(), 'tokentray-e2e-'));
    app = await _electron.launch({
      executablePath: binary as string,
      args: [ROOT],
      env: { ...process.env, TOKENTRAY_USER_DATA: userData, TOKENTRAY_E2E: '1' },
    });
    window = await app.firstWindow();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await server?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  const api = <T>(fn: string, ...args: unknown[]) =>
    window.evaluate(([name, rest]) => (window as any).tokentray[name as string](...(rest as unknown[])), [
      fn,
      args,
    ] as const) as Promise<T>;

  it('opens the status window on first run and builds the tray menu', async () => {
    await expect.poll(() => window.title()).toBe('TokenTray');
    const menus = await app.evaluate(() => (globalThis as any).__tokentrayE2E.menus as string[][]);
    expect(menus.at(-1)).toContain('Quit TokenTray');
  });

  it('adds a profile against the fake token server and shows it valid in tray and window', async () => {
    const env = await api<{ value: { secretProtection: { kind: string } } }>('getEnvironment');
    if (env.value.secretProtection.kind === 'weak') await api('setSettings', { allowWeakSecretStorage: true });
    const added = await api<{ ok: boolean }>('addProfile', {
      name: 'E2E',
      provider: 'baidu',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      tokenUrl: server.baiduUrl,
    });
    expect(added.ok).toBe(true);
    await expect.poll(() => window.locator('tt-profile-card .badge').textContent()).toContain('Valid');
    const menus = await app.evaluate(() => (globalThis as any).__tokentrayE2E.menus as string[][]);
    expect(menus.at(-1)?.[0]).toMatch(/^E2E: Valid, expires in/);
  });

  it('copies the token to the real clipboard', async () => {
    const [profile] = (await api<{ value: { id: string }[] }>('listProfiles')).value;
    await api('copy', profile?.id, 'raw');
    expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toBe(server.issued.at(-1));
  });

  it('notifies when a refresh fails for a reason only the user can fix', async () => {
    server.behave({ type: 'error', error: 'invalid_client', description: 'unknown client id', status: 401 });
    const [profile] = (await api<{ value: { id: string }[] }>('listProfiles')).value;
    await api('refresh', profile?.id);
    await expect
      .poll(() => app.evaluate(() => (globalThis as any).__tokentrayE2E.notices as string[]))
      .toContain('E2E: refresh failed');
  });
});
