import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiStatus, TokenUse } from '../../main/contract/ipc.ts';
import { apiLocation, EXIT } from '../../main/contract/local-api.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { ROOT } from '../support/browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../support/engine-fixture.ts';
import type { FakeTokenServer } from '../support/fake-token-server.ts';
import { freePort } from '../support/free-port.ts';
import { useBootBed } from '../support/headless/boot-bed.ts';
import { answerOf, type BootedApp, type BootOptions, bootApp, testProfile } from '../support/headless/boot-harness.ts';
import { callLocalApi } from '../support/local-api.ts';

/**
 * The built app (dist/main under the stand-in electron) serving its local API for real, and the
 * built `tokentray` (dist/cli/tokentray.mjs) run as its own program against it, as a user runs it
 * from a terminal.
 */

const CLI = join(ROOT, 'dist/cli/tokentray.mjs');
let dir: string;
let server: FakeTokenServer;
let options: BootOptions;
let app: BootedApp;

useBootBed(
  'tokentray-cli-',
  (bed) => {
    ({ dir, server, options } = bed);
  },
  () => app,
);
beforeAll(async () => {
  app = await bootApp(options);
  // First run: the window opens by itself; its preload API is how the user adds a profile.
  await app.until((s) => expect(s.windows[0]?.exposed).toEqual(['tokentray']));
});

const location = () => apiLocation(options.userData, process.platform);

/** Runs the built CLI with the app's data folder, the way a terminal would. */
function tokentray(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          LANG: 'en_US.UTF-8',
          TOKENTRAY_DATA_DIR: options.userData,
          ...env,
        },
        encoding: 'utf8',
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const value = answerOf;

describe('tokentray against the built app', () => {
  it('prints exactly the token Copy token puts on the clipboard', async () => {
    await value(app.api('addProfile', testProfile('ERNIE dev', 'baidu', server.baiduUrl)));
    await app.until((s) => expect(s.tray?.menu[0]?.label).toMatch(/^ERNIE dev: Valid/));
    await app.tray('Copy token');
    const copied = (await app.until((s) => expect(s.clipboard.text).not.toBe(''))).clipboard.text;
    expect(await tokentray(['token', 'ernie'])).toEqual({ code: 0, stdout: `${copied}\n`, stderr: '' });
    expect((await tokentray(['token', 'ERNIE dev', '--format', 'query'])).stdout).toBe(`access_token=${copied}\n`);
    const json = JSON.parse((await tokentray(['token', 'ernie', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ access_token: copied, provider: 'baidu', sdk_env: ['QIANFAN_ACCESS_TOKEN'] });
  });

  it('lists, reports status, runs a command with the token, and names who took it in the window', async () => {
    expect((await tokentray(['list'])).stdout).toMatch(
      /^NAME\s+PROVIDER\s+STATUS\nERNIE dev\s+Baidu AI Cloud.*valid\n$/,
    );
    expect((await tokentray(['status'], { LANG: 'zh_CN.UTF-8' })).stdout).toMatch(
      /^名称\s+状态\s+剩余有效期\s+下次刷新\nERNIE dev\s+有效/,
    );
    const ran = await tokentray([
      'exec',
      'ernie',
      '--',
      process.execPath,
      '-e',
      'process.exit(process.env.QIANFAN_ACCESS_TOKEN === process.env.TOKENTRAY_ACCESS_TOKEN ? 3 : 9)',
    ]);
    expect(ran.code).toBe(3);
    const [ernie] = await value<ProfileView[]>(app.api('listProfiles'));
    const uses = await value<Record<string, TokenUse[]>>(app.api('tokenUses'));
    expect(uses[ernie?.id ?? '']?.map((use) => `${use.via} ${use.client}`)).toEqual([
      'cli tokentray-cli/0.1.0 exec',
      'cli tokentray-cli/0.1.0 token',
      'cli tokentray-cli/0.1.0 token',
      'cli tokentray-cli/0.1.0 token',
      'tray tray',
    ]);
    const status = await value<ApiStatus>(app.api('apiStatus'));
    expect(status).toEqual({
      endpoint: location().endpoint,
      listening: true,
      tcpUrl: null,
      problem: null,
      secretFile: location().secretFile,
      cliPath: CLI,
    });
  });

  it('shows the gateway of a profile: base URL, origin and snippets, in English and Chinese', async () => {
    const shown = await tokentray(['gateway', 'ernie']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Gateway for ERNIE dev → https://aip.baidubce.com');
    expect(shown.stdout).toContain('socket  http://localhost/gw/ERNIE%20dev');
    expect(shown.stdout).toContain(`curl --unix-socket '${location().endpoint}'`);
    expect(shown.stdout).toContain('/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions');
    expect(shown.stdout).not.toContain(readFileSync(location().secretFile, 'utf8').trim());
    expect((await tokentray(['gateway', 'ernie'], { LANG: 'zh_CN.UTF-8' })).stdout).toContain('ERNIE dev 的网关');
    const json = JSON.parse((await tokentray(['gateway', 'ernie', '--json'])).stdout);
    expect(json).toMatchObject({ provider: 'baidu', origins: ['https://aip.baidubce.com'] });
  });

  it('exits 6 for no such profile, 2 for bad usage, 4 for refused keys, 5 for a failed refresh', async () => {
    expect((await tokentray(['token', 'nothing'])).code).toBe(EXIT.noSuchProfile);
    expect((await tokentray(['token'])).code).toBe(EXIT.usage);
    expect((await tokentray(['token', 'ernie', '--format', 'header'])).code).toBe(EXIT.usage);
    server.behave({ type: 'error', error: 'invalid_client', description: 'unknown client id', status: 401 });
    const refused = await tokentray(['refresh', 'ernie']);
    expect(refused.code).toBe(EXIT.needsKeys);
    expect(refused.stderr).toContain('(invalid_credentials: invalid_client)');
    server.behave({ type: 'error', error: 'server_busy', status: 500 });
    const failed = await tokentray(['refresh', 'ernie']);
    expect(failed.code).toBe(EXIT.refreshFailed);
    expect(failed.stderr).toContain('(server_error');
    server.behave({ type: 'ok' });
    const fixed = await tokentray(['refresh', 'ernie']);
    expect(fixed).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^ERNIE dev: new token, expires in (30d|29d 23h)\.\n$/),
    });
  });

  it('answers --help, --version and completion, and the info and single-profile routes', async () => {
    expect((await tokentray(['--version'])).stdout).toBe('0.1.0\n');
    expect((await tokentray(['token', '--help'], { LANG: 'zh_CN.UTF-8' })).stdout).toMatch(/^用法：tokentray token/);
    expect((await tokentray(['completion', 'fish'])).stdout).toContain('complete -c tokentray');
    const names = await tokentray(['list', '--names']);
    expect(names.stdout).toBe('ERNIE dev\n');
    expect((await callLocalApi(location(), '/v1', { secret: true })).json()).toEqual({
      name: 'TokenTray',
      version: '0.1.0',
      api: 1,
    });
    const one = await callLocalApi(location(), '/v1/profiles/ERNIE%20dev', { secret: true });
    expect(one.json()).toMatchObject({ name: 'ERNIE dev', provider: 'baidu', status: 'valid', needs_keys: false });
  });

  it('serves plain HTTP clients over its socket, and no browser', async () => {
    const loc = location();
    expect(statSync(loc.dir).mode & 0o777).toBe(0o700);
    expect(statSync(loc.endpoint).mode & 0o777).toBe(0o600);
    expect(statSync(loc.secretFile).mode & 0o777).toBe(0o600);
    expect((await callLocalApi(loc, '/v1/profiles')).status).toBe(401);
    expect(
      (await callLocalApi(loc, '/v1/profiles', { secret: true, headers: { origin: 'https://x.example' } })).status,
    ).toBe(403);
    const token = (await tokentray(['token', 'ernie'])).stdout.trim();
    // docs/cli.md's one-liner for people without Node.
    const curl = await new Promise<string>((resolve) =>
      execFile(
        'curl',
        [
          '-s',
          '--unix-socket',
          loc.endpoint,
          '-H',
          `Authorization: Bearer ${readFileSync(loc.secretFile, 'utf8').trim()}`,
          'http://localhost/v1/profiles/ernie/token?format=raw',
        ],
        (error, stdout) => resolve(error ? 'curl unavailable' : stdout),
      ),
    );
    if (curl !== 'curl unavailable') expect(curl).toBe(token);
  });

  it('listens on 127.0.0.1 once Settings say so, for Postman and Bruno', async () => {
    const port = await freePort();
    await value(app.api('setSettings', { apiTcpEnabled: true, apiTcpPort: port }));
    const answer = await callLocalApi({ port }, '/v1/profiles/ernie/token', {
      secret: readFileSync(location().secretFile, 'utf8').trim(),
      headers: { host: `localhost:${port}`, 'user-agent': 'PostmanRuntime/7.43.0' },
    });
    expect(answer.json()).toMatchObject({
      profile: { name: 'ERNIE dev' },
      usage: { in: 'query', name: 'access_token' },
    });
    await value(app.api('copyApiSecret'));
    expect((await app.state()).clipboard.text).toBe(readFileSync(location().secretFile, 'utf8').trim());
    await value(app.api('regenerateApiSecret'));
    expect((await tokentray(['token', 'ernie'])).code).toBe(0);
  });

  it('exits 3 once the app has quit, and 4 when the keychain no longer opens the keys', async () => {
    const secret = readFileSync(location().secretFile, 'utf8').trim();
    await app.tray('Quit TokenTray');
    expect(await app.exit()).toMatchObject({ code: 0 });
    expect(readdirSync(location().dir).sort()).toEqual(['secret']);
    const stopped = await tokentray(['token', 'ernie']);
    expect(stopped).toMatchObject({ code: EXIT.appNotRunning, stdout: '' });
    expect(stopped.stderr).toContain('TokenTray is not running');

    app = await bootApp({ ...options, keychainSeed: 'a-reset-keychain' });
    await app.until((s) => expect(s.tray).toBeDefined());
    const locked = await tokentray(['token', 'ernie']);
    expect(locked.code).toBe(EXIT.needsKeys);
    expect(locked.stderr).toContain('(credentials_unreadable)');
    // The same secret across restarts: scripts keep working.
    expect(readFileSync(location().secretFile, 'utf8').trim()).toBe(secret);
    await app.tray('Quit TokenTray');
    await app.exit();
    const log = readFileSync(join(options.logs, 'main.log'), 'utf8');
    for (const value of [API_KEY, SECRET_KEY, secret, ...server.issued]) expect(log).not.toContain(value);
  });
});
