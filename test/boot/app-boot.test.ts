import { createDecipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../main/contract/ipc.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { ROOT } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import type { FakeTokenServer } from '../support/fake-token-server.ts';
import { useBootBed } from '../support/headless/boot-bed.ts';
import { answerOf, type BootedApp, type BootOptions, bootApp, testProfile } from '../support/headless/boot-harness.ts';
import type { StandInState } from '../support/headless/stand-in-inspect.ts';

/**
 * The built bundle (dist/main, dist/preload) booted under plain Node with a strict stand-in
 * `electron` (test/support/headless/), driven as a user drives the app: the window's preload API,
 * tray clicks, notifications, sleep and wake, quit, restart, a second instance, a packaged build.
 * This is as close as these machines get to running Electron; test/e2e runs the real binary where
 * one is installed.
 */

const DAY = 24 * 3600_000;
const SEED = 'boot-test-keychain';
let dir: string;
let server: FakeTokenServer;
let options: BootOptions;
let app: BootedApp;

useBootBed(
  'tokentray-boot-',
  (bed) => {
    ({ dir, server, options } = bed);
  },
  () => app,
);

const labels = (state: StandInState) => state.tray?.menu.map((item) => item.label) ?? [];
const requests = () => server.requests.length;
const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every value that must never reach a log line, a notification, the page or the tray. */
function secrets(): string[] {
  return [API_KEY, SECRET_KEY, ...server.issued];
}

function expectNoSecrets(text: string): void {
  for (const secret of secrets()) expect(text).not.toContain(secret);
}

/** What the app left in config.json, decrypted with the stand-in's keychain key. */
function storedTokens(userData: string): Map<string, string> {
  const key = createHash('sha256').update(SEED).digest();
  const open = (value: string) => {
    const sealed = Buffer.from(value.replace(/^ss1:/, ''), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  };
  const stored = JSON.parse(readFileSync(join(userData, 'config.json'), 'utf8')) as {
    profiles: { name: string; token?: { value: string } }[];
  };
  return new Map(stored.profiles.flatMap((p) => (p.token ? [[p.name, open(p.token.value)] as const] : [])));
}

const value = answerOf;

describe('the built app, booted headless', () => {
  it('starts sandboxed, serves its window from app://, and listens on no IPC but the guard’s', async () => {
    app = await bootApp(options);
    const state = await app.until((s) => {
      expect(s.windows[0]?.exposed).toEqual(['tokentray']);
      expect(s.tray).toBeDefined();
    });
    expect(state.violations).toEqual([]);
    expect(state.calls.indexOf('app.enableSandbox')).toBe(0);
    expect(state.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(state.handlers).toEqual([...INVOKE_CHANNELS].sort());
    expect(state.listeners).toEqual([]);
    // electron-store's own listener is gone; electron-log's was never registered.
    expect(await app.call('emitIpc', 'electron-store-get-data')).toEqual({ heard: false, returnValue: null });
    expect(await app.call('emitIpc', '__ELECTRON_LOG__')).toEqual({ heard: false, returnValue: null });
    // First run: the window opens on its own.
    expect(state.windows).toHaveLength(1);
    expect(state.windows[0]).toMatchObject({
      url: 'app://tokentray/index.html',
      visible: true,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true },
    });
    expect(labels(state)).toEqual([
      'No profiles yet',
      'Add a key…',
      'Open TokenTray',
      'Start at login',
      'Quit TokenTray',
    ]);
  });

  it('serves the built page and each of its assets with the right type, and nothing outside it', async () => {
    const page = await app.call<{ status: number; type: string; body: string }>('fetch', 'app://tokentray/index.html');
    expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    const assets = [...page.body.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const served = await app.call<{ status: number; type: string }>('fetch', `app://tokentray/${asset}`);
      expect(served.status, asset).toBe(200);
      expect(served.type, asset).toMatch(asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
    }
    // Chunks the page loads on demand (the long list's virtualizer) are served the same way.
    const lazy = readdirSync(join(ROOT, 'dist/renderer/assets')).filter((name) =>
      /^(virtualize|flow)-.*\.js$/.test(name),
    );
    expect(lazy.length).toBeGreaterThanOrEqual(1);
    for (const chunk of lazy) {
      const served = await app.call<{ status: number; type: string }>('fetch', `app://tokentray/assets/${chunk}`);
      expect(served, chunk).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/javascript/) });
    }
    const outside = await app.call<{ status: number; body: string }>('fetch', 'app://tokentray/..%2f..%2fpackage.json');
    expect(outside.status).toBe(404);
  });

  it('refuses navigation, popups and webviews, and IPC from any page but its own', async () => {
    expect(await app.call('attempt', 0, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(await app.call('attempt', 0, 'will-frame-navigate', { url: 'https://evil.example/' })).toBe(true);
    expect(await app.call('attempt', 0, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(await app.call('attempt', 0, 'will-attach-webview', {}, {})).toBe(true);
    expect(await app.call('attempt', 0, 'window-open', 'https://evil.example/')).toBe('deny');
    for (const sender of [
      { url: 'http://127.0.0.1:5173/index.html' },
      { url: 'app://tokentray/index.html', subframe: true },
      { url: 'app://tokentray/index.html', id: 999 },
      { url: 'file:///tmp/index.html' },
    ]) {
      expect(await app.call('foreignInvoke', 'profiles:list', sender), JSON.stringify(sender)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
  });

  it('adds a profile through the preload API and copies its token from the tray in each form', async () => {
    const added = await value<ProfileView>(app.api('addProfile', testProfile('ERNIE dev', 'baidu', server.baiduUrl)));
    expect(added.name).toBe('ERNIE dev');
    await app.until((s) => expect(labels(s)[0]).toMatch(/^ERNIE dev: Valid, expires in (30d|29d 23h)$/));
    expect(labels(await app.state()).slice(1, 5)).toEqual([
      'Copy token',
      'Copy as URL parameter',
      'Copy as curl example',
      'Refresh now',
    ]);

    await app.tray('Copy token');
    await app.until((s) => expect(s.clipboard.text).toBe(server.issued[0]));
    expect((await app.state()).clipboard.formats).toEqual([
      'text/plain',
      'electron application/osclipboard;format="x-kde-passwordManagerHint"',
    ]);
    await app.tray('Copy as URL parameter');
    await app.until((s) => expect(s.clipboard.text).toBe(`access_token=${server.issued[0]}`));
    await app.tray('Copy as curl example');
    await app.until((s) =>
      expect(s.clipboard.text).toMatch(/^curl -X POST 'https:\/\/aip\.baidubce\.com\/.*access_token=/),
    );

    const before = requests();
    await app.tray('Refresh now');
    await app.until(() => expect(requests()).toBe(before + 1));
  });

  it('copies a bearer provider’s token as its Authorization header', async () => {
    await value(app.api('addProfile', testProfile('gateway', 'oauth2', server.oauthUrl)));
    await app.until((s) => expect(labels(s)[1]).toMatch(/^gateway — Valid/));
    await app.tray('gateway', 'Copy as Authorization header');
    const token = server.issued.at(-1);
    await app.until((s) => expect(s.clipboard.text).toBe(`Authorization: Bearer ${token}`));
  });

  it('runs every command of the window: test, reveal, edit, settings, environment, force, remove', async () => {
    const profiles = await value<ProfileView[]>(app.api('listProfiles'));
    const ernie = profiles.find((p) => p.name === 'ERNIE dev') as ProfileView;
    const input = { name: 'x', provider: 'baidu', apiKey: API_KEY, secretKey: SECRET_KEY, tokenUrl: server.baiduUrl };
    expect(await value(app.api('testCredentials', input))).toEqual({ ok: true, expiresInMs: 30 * DAY });
    const revealed = await value<{ token: string }>(app.api('reveal', ernie.id));
    expect(revealed.token).toBe(storedTokens(options.userData).get('ERNIE dev'));
    // Baidu's tokens are opaque: the inspector says so, and never returns the token.
    expect(await value(app.api('inspect', ernie.id))).toEqual({ kind: 'opaque', length: revealed.token.length });

    await value(app.api('updateProfile', ernie.id, { name: 'ERNIE prod' }));
    await app.until((s) => expect(labels(s)[0]).toMatch(/^ERNIE prod — Valid/));
    const moved = await app.api('updateProfile', ernie.id, { tokenUrl: 'https://aip.example.net/oauth/2.0/token' });
    expect(moved).toMatchObject({ ok: false, error: { messageKey: 'input.keys_required_new_destination' } });
    expect(await app.api('copy', ernie.id, 'header')).toMatchObject({
      ok: false,
      error: { code: 'format_unsupported' },
    });

    await value(app.api('setSettings', { language: 'zh-CN' }));
    await app.until((s) => expect(labels(s).at(-1)).toBe('退出 TokenTray'));
    await value(app.api('setSettings', { language: 'en', clipboardClearSeconds: 30 }));
    expect(await value(app.api('getSettings'))).toMatchObject({ language: 'en', clipboardClearSeconds: 30 });
    expect(await value(app.api('copy', ernie.id, 'raw'))).toEqual({ clearsInSeconds: 30 });
    expect(await value(app.api('getEnvironment'))).toMatchObject({
      platform: process.platform,
      version: '0.1.0',
      secretProtection: { kind: 'keychain', backend: 'gnome_libsecret' },
      storeIssues: [],
    });

    const wechat = await value<ProfileView>(
      app.api('addProfile', testProfile('mini program', 'wechat', server.wechatStableUrl)),
    );
    await app.until((s) => expect(labels(s)[2]).toMatch(/^mini program — Valid/));
    await value(app.api('refresh', wechat.id, { force: true }));
    expect(server.revoked.size).toBe(1);
    await value(app.api('removeProfile', wechat.id));
    expect((await value<ProfileView[]>(app.api('listProfiles'))).map((p) => p.name)).toEqual(['ERNIE prod', 'gateway']);

    // The page heard about every change, and never saw a key or a token it did not ask to reveal.
    const received = (await app.state()).windows[0]?.received ?? [];
    expect(new Set(received.map(([channel]) => channel))).toEqual(new Set(['profiles:changed', 'settings:changed']));
    expectNoSecrets(JSON.stringify(received).replaceAll(revealed.token, ''));
  });

  it('notifies a failure, opens the window on that profile when clicked, and announces recovery', async () => {
    const before = (await app.state()).notifications.length;
    server.behave({
      type: 'error',
      error: 'invalid_client',
      description: `Client authentication failed ${SECRET_KEY}`,
    });
    await app.tray('ERNIE prod', 'Refresh now');
    const failed = await app.until((s) =>
      expect(s.notifications.slice(before).map((n) => n.title)).toEqual(['ERNIE prod: refresh failed']),
    );
    expect(failed.notifications.at(-1)?.body).toContain('The Secret Key does not match the API Key.');
    expect(failed.tray?.menu[0]?.label).toBe('ERNIE prod — Refresh failed: Secret Key wrong');
    expect(failed.tray?.tooltip).toBe('TokenTray: ERNIE prod needs attention');

    const ernie = (await value<ProfileView[]>(app.api('listProfiles')))[0] as ProfileView;
    await app.call('clickNotification', -1);
    await app.until((s) => expect(s.windows.at(-1)?.received.at(-1)).toEqual(['window:focus-profile', ernie.id]));

    server.behave({ type: 'ok' });
    await value(app.api('updateProfile', ernie.id, { apiKey: API_KEY, secretKey: SECRET_KEY }));
    await app.until((s) => expect(s.notifications.at(-1)?.title).toBe('ERNIE prod: refresh works again'));
    expectNoSecrets(JSON.stringify((await app.state()).notifications));
  });

  it('turns start at login on and off from the tray, with an entry that starts the app', async () => {
    await app.tray('Start at login');
    const entry = join(options.xdgConfig, 'autostart', 'tokentray.desktop');
    await app.until((s) => expect(s.tray?.menu.find((i) => i.label === 'Start at login')?.checked).toBe(true));
    expect(readFileSync(entry, 'utf8')).toContain(`Exec=${process.execPath} ${ROOT} --hidden\n`);
    await app.tray('Start at login');
    await app.until(() => expect(existsSync(entry)).toBe(false));
  });

  it('tells the window while the disk refuses to save, and saves once it can again', async () => {
    const file = join(options.userData, 'config.json');
    rmSync(file);
    mkdirSync(file);
    await app.tray('ERNIE prod', 'Refresh now');
    const lastIssues = (s: StandInState) => s.windows.at(-1)?.received.findLast(([c]) => c === 'store:issues')?.[1];
    await app.until((s) => expect(lastIssues(s)).toEqual([{ kind: 'write_failed', detail: 'EISDIR' }]));
    rmSync(file, { recursive: true });
    await app.until((s) => expect(lastIssues(s)).toEqual([]));
    expect(storedTokens(options.userData).get('ERNIE prod')).toBe(server.issued.at(-1));
  });

  it('after weeks asleep, wakes up and renews exactly the tokens that are due, once each', async () => {
    await app.call('power', 'suspend');
    await app.call('advanceClock', 27 * DAY + 3600_000);
    const before = server.requests.map((r) => r.path);
    await app.call('power', 'resume');
    await app.until((s) => expect(labels(s)[0]).toMatch(/^ERNIE prod — Valid, expires in (30d|29d 23h)$/));
    await settle(300);
    expect(
      server.requests
        .slice(before.length)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/oauth/2.0/token', '/oauth2/token']);
    expect((await app.state()).violations).toEqual([]);
  });

  it('quits: clears its token from the clipboard, saves, removes the tray, and the process ends on its own', async () => {
    await app.tray('ERNIE prod', 'Copy token');
    await app.until((s) => expect(s.clipboard.text).toBe(storedTokens(options.userData).get('ERNIE prod')));
    await app.tray('Quit TokenTray');
    const ended = await app.exit();
    expect(ended).toMatchObject({ code: 0, signal: null });
    const final = app.final();
    expect(final?.clipboard.text).toBe('');
    expect(final?.tray?.destroyed).toBe(true);
    expect(final?.quit).toMatchObject({ quit: 1 });
    expect(final?.violations).toEqual([]);
  });

  it('starts again without fetching anything and without opening its window', async () => {
    const before = requests();
    app = await bootApp({ ...options, argv: ['tokentray', '--hidden'] });
    const state = await app.until((s) => expect(labels(s)[0]).toMatch(/^ERNIE prod — Valid/));
    await settle(300);
    expect(requests()).toBe(before);
    expect(state.windows).toEqual([]);
  });

  it('lets a second instance hand over to the first and leave, without a tray or a request', async () => {
    const before = requests();
    const second = await bootApp(options);
    expect(await second.exit()).toMatchObject({ code: 0 });
    expect(second.final()?.trays).toBe(0);
    const first = await app.until((s) => expect(s.windows.at(-1)?.visible).toBe(true));
    expect(first.windows).toHaveLength(1);
    expect(requests()).toBe(before);
  });

  it('quits at once with a token request hanging, however many times Quit is pressed', async () => {
    server.behave({ type: 'hang' });
    const before = requests();
    await app.tray('ERNIE prod', 'Refresh now');
    await app.until(() => expect(requests()).toBe(before + 1));
    const asked = Date.now();
    await app.call('quit');
    await app.call('quit').catch(() => undefined);
    const ended = await app.exit();
    server.behave({ type: 'ok' });
    expect(ended).toMatchObject({ code: 0, signal: null });
    // Well inside the 15 s request timeout, and not cut short by the 1.8 s deadline either.
    expect(ended.at - asked).toBeLessThan(5_000);
    const final = app.final();
    expect(final?.quit.exitCode).toBeUndefined();
    expect(final?.tray?.destroyed).toBe(true);
    expect(final?.quit.beforeQuit).toBeGreaterThanOrEqual(2);
    expect(final?.quit.quit).toBe(1);
    const saved = JSON.parse(readFileSync(join(options.userData, 'config.json'), 'utf8')).profiles;
    expect(saved.map((p: { lastError?: unknown }) => p.lastError)).toEqual([undefined, undefined]);
  });

  it('as a packaged build, ignores every test variable', async () => {
    const elsewhere = join(dir, 'elsewhere');
    const packaged = { ...options, userData: join(dir, 'packaged'), isPackaged: true };
    app = await bootApp({
      ...packaged,
      env: {
        TOKENTRAY_RENDERER_URL: 'http://127.0.0.1:9/evil.html',
        TOKENTRAY_USER_DATA: elsewhere,
        TOKENTRAY_E2E: '1',
      },
    });
    const state = await app.until((s) => expect(s.windows[0]?.exposed).toEqual(['tokentray']));
    expect(state.windows[0]?.url).toBe('app://tokentray/index.html');
    expect(state.windows[0]?.webPreferences).toMatchObject({ devTools: false });
    expect(state.setPathCalls).toEqual([]);
    expect(state.e2eGlobal).toBe(false);
    expect(existsSync(join(packaged.userData, 'config.json'))).toBe(true);
    expect(existsSync(elsewhere)).toBe(false);
    expect(await app.call('foreignInvoke', 'token:reveal', { url: 'http://127.0.0.1:9/evil.html' }, 'x')).toMatchObject(
      {
        ok: false,
        error: { code: 'forbidden' },
      },
    );
    // An installed app registers its own executable to start at login, not Electron plus a folder.
    await app.tray('Start at login');
    const entry = join(options.xdgConfig, 'autostart', 'tokentray.desktop');
    await app.until((s) => expect(s.tray?.menu.find((i) => i.label === 'Start at login')?.checked).toBe(true));
    expect(readFileSync(entry, 'utf8')).toContain(`Exec=${process.execPath} --hidden\n`);
    await app.tray('Start at login');
    await app.tray('Quit TokenTray');
    expect(await app.exit()).toMatchObject({ code: 0 });
  });

  it('kept a log readable by its owner only, with no key or token in it', () => {
    const logs = readdirSync(options.logs);
    expect(logs).toEqual(['main.log']);
    const file = join(options.logs, 'main.log');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('token refresh failed');
    expectNoSecrets(text);
  });
});
