import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/run.ts';
import { runCommand } from '../../../main/cli/run-command.ts';
import { EXIT } from '../../../main/contract/local-api.ts';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { API_KEY, SECRET_KEY } from '../../support/engine-fixture.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/**
 * `tokentray` driven in-process against the real local API over the real engine. The built file
 * is run as a separate program by the boot test (test/boot/cli-boot.test.ts).
 */
let t: DesktopFixture;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    argv: ['--data-dir', t.dataDir, ...args],
    env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', ...env },
    platform: process.platform,
    home: '/nonexistent-home',
    version: '0.1.0',
    now: t.fx.now,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    run: runCommand,
  });
  return { code, stdout, stderr };
}

async function addErnie(name = 'ERNIE dev') {
  const view = await t.fx.service.addProfile(t.fx.baiduInput({ name }));
  await t.fx.service.getToken(view.id);
  return view;
}

describe('tokentray', () => {
  it('prints the token Copy token would put on the clipboard, in each form', async () => {
    const { id } = await addErnie();
    t.act({ type: 'copy', profileId: id, format: 'raw' });
    await expect.poll(() => t.clip.text).not.toBe('');
    const token = t.clip.text;
    expect(await cli(['token', 'ernie'])).toEqual({ code: 0, stdout: `${token}\n`, stderr: '' });
    expect((await cli(['token', 'ERNIE dev', '--format', 'query'])).stdout).toBe(`access_token=${token}\n`);
    expect((await cli(['token', id, '--format', 'curl'])).stdout).toContain(`access_token=${token}`);
    const json = JSON.parse((await cli(['token', 'ernie', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ access_token: token, expires_in: 30 * 24 * 3600, sdk_env: ['QIANFAN_ACCESS_TOKEN'] });
    const env = (await cli(['token', 'ernie', '--format', 'env'])).stdout;
    const shell = spawnSync('sh', ['-c', `${env}\nprintf %s "$QIANFAN_ACCESS_TOKEN"`], { encoding: 'utf8' });
    expect(shell.stdout).toBe(token);
    expect((await cli(['token', 'ernie', '--format', 'env', '--shell', 'powershell'])).stdout).toContain(
      `$env:TOKENTRAY_ACCESS_TOKEN = '${token}'`,
    );
  });

  it('runs a command with the token in its environment and passes its exit code through', async () => {
    await addErnie();
    const token = t.fx.server.issued[0];
    const out = join(t.fx.temp.dir, 'exec-env.txt');
    const script = `const e = process.env; require('node:fs').writeFileSync(${JSON.stringify(out)}, [e.TOKENTRAY_ACCESS_TOKEN, e.QIANFAN_ACCESS_TOKEN, e.TOKENTRAY_PROFILE, e.TOKENTRAY_EXPIRES_AT].join(' ')); process.exit(7)`;
    const ran = await cli(['exec', 'ernie', '--', process.execPath, '-e', script]);
    expect(ran).toEqual({ code: 7, stdout: '', stderr: '' });
    const expiry = new Date(t.fx.now() + 30 * 24 * 3600_000).toISOString();
    expect(readFileSync(out, 'utf8')).toBe(`${token} ${token} ERNIE dev ${expiry}`);
    // A command killed by a signal: 128 + its number, as a shell says it.
    const killed = await cli(['exec', 'ernie', '--', process.execPath, '-e', 'process.kill(process.pid, "SIGTERM")']);
    expect(killed.code).toBe(128 + 15);
    const missing = await cli(['exec', 'ernie', '--', 'no-such-program-tokentray']);
    expect(missing).toMatchObject({ code: 1, stderr: 'Could not run no-such-program-tokentray: ENOENT\n' });
  });

  it('lists and reports status in aligned columns, or as JSON, and names for completion', async () => {
    await addErnie();
    await addErnie('Qianfan 生产');
    const list = await cli(['list']);
    const provider = 'Baidu AI Cloud (API Key + Secret Key)';
    // Chinese characters take two columns: the columns line up on screen, not by character count.
    expect(list.stdout).toBe(
      [
        `NAME          ${'PROVIDER'.padEnd(provider.length)}  STATUS`,
        `ERNIE dev     ${provider}  valid`,
        `Qianfan 生产  ${provider}  valid`,
        '',
      ].join('\n'),
    );
    expect((await cli(['list', '--names'])).stdout).toBe('ERNIE dev\nQianfan 生产\n');
    const json = JSON.parse((await cli(['list', '--json'])).stdout);
    expect(json.map((p: { name: string }) => p.name)).toEqual(['ERNIE dev', 'Qianfan 生产']);
    const status = await cli(['status']);
    expect(status.stdout.split('\n')[1]).toMatch(/^ERNIE dev\s+valid\s+30d\s+27d/);
  });

  it('speaks Chinese when LANG says so', async () => {
    await addErnie();
    const list = await cli(['list'], { LANG: 'zh_CN.UTF-8' });
    expect(list.stdout.split('\n')[0]).toMatch(/^名称\s+服务商\s+状态$/);
    expect(list.stdout).toContain('有效');
    const missing = await cli(['token', 'nothing'], { LANG: 'zh_CN.UTF-8' });
    expect(missing).toEqual({
      code: EXIT.noSuchProfile,
      stdout: '',
      stderr: '没有名为“nothing”的配置。tokentray list 可列出所有名称。\n',
    });
    expect((await cli(['token', 'nothing'], { LANG: 'C', LC_ALL: 'zh_TW.UTF-8' })).stderr).toContain('没有名为');
  });

  it('exits with the documented code for each way things go wrong', async () => {
    await addErnie('ERNIE dev');
    await addErnie('ERNIE prod');
    const ambiguous = await cli(['token', 'ernie']);
    expect(ambiguous.code).toBe(EXIT.noSuchProfile);
    expect(ambiguous.stderr).toContain('"ernie" matches several profiles:\n  ERNIE dev (');
    expect((await cli(['token'])).code).toBe(EXIT.usage);
    expect((await cli(['token', 'ernie dev', '--format', 'yaml'])).code).toBe(EXIT.usage);
    // Baidu reads its token from the URL: the formats that work for it are named.
    const header = await cli(['token', 'ernie dev', '--format', 'header']);
    expect(header.code).toBe(EXIT.usage);
    expect(header.stderr).toBe(
      "ERNIE dev's token does not come in that format: its provider's APIs read it elsewhere. Formats that work for it: raw, query, curl, powershell, json, env. (tokentray token --help)\n",
    );
    expect((await cli(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await cli(['list', '--format', 'raw'])).stderr).toBe(
      'Unknown option --format. See tokentray list --help.\n',
    );
    expect((await cli(['token', 'x', '--bogus'])).stderr).toBe('Unknown option --bogus. See tokentray token --help.\n');

    t.fx.server.behave({ type: 'error', error: 'invalid_client', description: 'unknown client id', status: 401 });
    const keys = await cli(['refresh', 'ernie dev']);
    expect(keys.code).toBe(EXIT.needsKeys);
    expect(keys.stderr).toContain('The provider does not know this API Key.');
    expect(keys.stderr).toContain('(invalid_credentials: invalid_client)');

    t.fx.server.behave({ type: 'error', error: 'server_busy', status: 503 });
    const failed = await cli(['refresh', 'ernie prod']);
    expect(failed.code).toBe(EXIT.refreshFailed);
    expect(failed.stderr).toContain('(server_error');

    for (const secret of [API_KEY, SECRET_KEY, ...t.fx.server.issued]) {
      expect(keys.stderr + failed.stderr + ambiguous.stderr).not.toContain(secret);
    }
  });

  it('says the app is not running, and how to start it, when nothing answers', async () => {
    await t.desktop.shutdown();
    const stopped = await cli(['token', 'ernie']);
    expect(stopped.code).toBe(EXIT.appNotRunning);
    expect(stopped.stderr).toBe(
      `TokenTray is not running (nothing answers at ${t.apiLocation.endpoint}). Start the TokenTray app, then try again.\n`,
    );
    const never = await cli(['--data-dir', '/nonexistent/tokentray', 'list']);
    expect(never.code).toBe(EXIT.appNotRunning);
    expect(never.stderr).toContain('No API secret at /nonexistent/tokentray/api/secret. Start the TokenTray app once');
  });

  it('says which server URL did not answer and why, and names a secret file it cannot read', async () => {
    const { createServer } = await import('node:net');
    const { freePort } = await import('../../support/free-port.ts');
    const refusedUrl = `http://127.0.0.1:${await freePort()}`;
    const refused = await cli(['--url', refusedUrl, 'list'], { TOKENTRAY_SECRET: 'x' });
    expect(refused.code).toBe(EXIT.appNotRunning);
    expect(refused.stderr).toBe(
      `Nothing answered at ${refusedUrl}: the connection was refused (nothing listens on that host and port). Check the URL, and that tokentray-server runs there: its log says "tokentray-server ready" with its URL.\n`,
    );
    expect(refused.stderr).not.toContain('Start the TokenTray app');
    // A plain-TCP listener that hangs up at once: an https:// URL on a plain server looks like this.
    const rude = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    const rudeUrl = `https://127.0.0.1:${(rude.address() as { port: number }).port}`;
    const reset = await cli(['--url', rudeUrl, 'list'], { TOKENTRAY_SECRET: 'x', LANG: 'zh_CN.UTF-8' });
    rude.close();
    expect(reset.code).toBe(EXIT.appNotRunning);
    expect(reset.stderr).toMatch(new RegExp(`^${rudeUrl.replace(/\./g, '\\.')} 没有响应：连接被关闭（E[A-Z]+）。`));

    const missing = await cli(['--url', refusedUrl, '--secret-file', '/nonexistent/server-secret', 'list']);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toBe(
      'The secret file /nonexistent/server-secret cannot be read (ENOENT). Check the path given with --secret-file or TOKENTRAY_SECRET_FILE; a server keeps its secret in <state folder>/api/secret.\n',
    );
    const none = await cli(['--data-dir', '/nonexistent/tokentray', '--url', refusedUrl, 'list']);
    expect(none.code).toBe(EXIT.appNotRunning);
    expect(none.stderr).toContain(`No secret for ${refusedUrl}. Give --secret-file <file>`);
  });

  it('follows a secret regenerated in Settings without being told', async () => {
    await addErnie();
    await t.desktop.handlers['api:regenerate-secret']();
    expect((await cli(['token', 'ernie'])).code).toBe(0);
  });

  it('has --help for itself and every command, in both languages, and --version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = await cli(['--help']);
    expect(help.stdout).toContain('Exit codes: 0 ok, 2 usage, 3 the app is not running');
    expect(help.stdout).toContain(`default ${'/nonexistent-home'}`.slice(0, 8));
    for (const command of ['list', 'status', 'token', 'exec', 'refresh', 'completion']) {
      const en = await cli([command, '--help']);
      const zh = await cli([command, '-h'], { LANG: 'zh_CN.UTF-8' });
      expect(en.stdout, command).toMatch(new RegExp(`^Usage: tokentray ${command}`));
      expect(zh.stdout, command).toMatch(new RegExp(`^用法：tokentray ${command}`));
    }
    expect((await cli([])).code).toBe(EXIT.usage);
  });

  it('prints completion scripts that bash can load and that complete profile names', async () => {
    const bash = await cli(['completion', 'bash']);
    expect(spawnSync('bash', ['-n'], { input: bash.stdout }).status).toBe(0);
    for (const shell of ['zsh', 'fish', 'powershell']) {
      expect((await cli(['completion', shell])).stdout).toMatch(/tokentray .*list --names/);
    }
    expect((await cli(['completion', 'tcsh'])).code).toBe(EXIT.usage);
    // What each shell offers for a line: test/main/cli/completion.test.ts.
  });
});
