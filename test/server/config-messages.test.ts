import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/browser-harness.ts';

/**
 * What `tokentray-server --check` says about a mistaken configuration, as the built program prints
 * it, in English and (LANG=zh_CN.UTF-8) in Chinese: each line names the field, what was expected
 * and found, the allowed values, a did-you-mean, and never repeats a key written inline.
 */
const SERVER = join(ROOT, 'dist/server/tokentray-server.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tokentray-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'key'), 'test-api-key-0001\n');

function check(body: string, lang = 'en_US.UTF-8') {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, body);
  const run = spawnSync(process.execPath, [SERVER, '--config', file, '--check'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LANG: lang },
  });
  return { status: run.status, lines: run.stderr.split('\n').map((line) => line.trim()), stderr: run.stderr };
}

const keys = '{ apiKey: { file: key }, secretKey: { file: key } }';
const profile = (fields: string) => `  - { name: p, ${fields}, apiKey: { file: key }, secretKey: { file: key } }`;

describe('configuration messages', () => {
  it('say what a field expected and what it found', () => {
    const quoted = check('state: ./s\nlisten: { port: "8765" }\nprofiles: []\n');
    expect(quoted.status).toBe(2);
    expect(quoted.lines).toContain('listen.port: expected a number, found the text "8765".');
    const missing = check('state: ./s\nlisten: {}\nprofiles: []\n');
    expect(missing.lines).toContain('listen.port: missing; expected a number.');
    const big = check('state: ./s\nlisten: { port: 99999 }\nprofiles: []\n');
    expect(big.lines).toContain('listen.port: at most 65535; found 99999.');
    const zh = check('state: ./s\nlisten: { port: "8765" }\nprofiles: []\n', 'zh_CN.UTF-8');
    expect(zh.stderr).toContain('tokentray-server: 配置无法使用：');
    expect(zh.lines).toContain('listen.port: 应为数字，实际为文本 "8765"。');
  });

  it('offer the name meant for a misspelled field, and list the fields that exist', () => {
    const run = check(`state: ./s\nlisten: { port: 8765 }\nprofile:\n${profile('provider: baidu')}\n`);
    expect(run.lines).toContain('profiles: missing; expected a list.');
    expect(run.lines).toContain(
      '(top level): unknown field "profile". Did you mean "profiles"? Fields here: state, listen, team, extraCaFile, requestsPerHost, gateway, profiles.',
    );
    const zh = check('state: ./s\nlisten: { prot: 8765 }\nprofiles: []\n', 'zh_CN.UTF-8');
    expect(zh.lines).toContain(
      'listen: 未知字段 "prot"。您是不是想写 "port"？ 此处可用的字段：host, port, tls, allowedHosts, maxConnections。',
    );
  });

  it('tell a key written inline how to write it, without repeating it', () => {
    const run = check(
      'state: ./s\nlisten: { port: 8765 }\nprofiles:\n  - { name: p, provider: baidu, apiKey: AKinline12345, secretKey: { envv: X } }\n',
    );
    expect(run.lines).toContain(
      'profiles[0].apiKey: a key is written here. Keys are never written in the configuration: write {env: NAME} (an environment variable) or {file: PATH} (a file, relative to this one) instead.',
    );
    expect(run.lines).toContain(
      'profiles[0].secretKey: unknown field "envv". Did you mean "env"? expected {env: NAME} or {file: PATH}.',
    );
    expect(run.stderr).not.toContain('AKinline12345');
    const zh = check(
      'state: ./s\nlisten: { port: 8765 }\nprofiles:\n  - { name: p, provider: baidu, apiKey: AKinline12345, secretKey: { file: key } }\n',
      'zh_CN.UTF-8',
    );
    expect(zh.lines).toContain(
      'profiles[0].apiKey: 此处直接写了密钥。配置中从不直接写密钥：请改写为 {env: NAME}（环境变量）或 {file: PATH}（文件，相对于本配置文件）。',
    );
    expect(zh.stderr).not.toContain('AKinline12345');
  });

  it('list the providers, the options and their allowed values, as a start would refuse them', () => {
    const run = check(
      `state: ./s\nlisten: { port: 8765 }\nprofiles:\n${profile('provider: baidoo')}\n${profile('provider: feishu, options: { regoin: lark }').replace('name: p', 'name: q')}\n${profile('provider: feishu, options: { region: cn }').replace('name: p', 'name: r')}\n${profile('provider: baidu-iam, options: { expireInSeconds: 5 }').replace('name: p', 'name: s')}\n${profile('provider: baidu, cron: "61 * * * *"').replace('name: p', 'name: t')}\n`,
    );
    expect(run.status).toBe(2);
    expect(run.lines).toContain(
      'profiles[0].provider: unknown provider "baidoo"; expected one of: baidu, baidu-iam, wechat, feishu, dingtalk, oauth2. Did you mean "baidu"?',
    );
    expect(run.lines).toContain(
      'profiles[1].options: unknown option "regoin" for feishu. Did you mean "region"? Fields here: region, apiOrigins.',
    );
    expect(run.lines).toContain('profiles[2].options.region: the text "cn" is not one of: feishu, lark.');
    expect(run.lines).toContain(
      'profiles[3].options.expireInSeconds: expected a whole number from 60 to 2592000, found 5.',
    );
    expect(run.lines.some((line) => line.startsWith('profiles[4].cron: '))).toBe(true);
    const zh = check(`state: ./s\nlisten: { port: 8765 }\nprofiles:\n${profile('provider: acme')}\n`, 'zh_CN.UTF-8');
    expect(zh.lines).toContain(
      'profiles[0].provider: 未知的服务商 "acme"；可选：baidu, baidu-iam, wechat, feishu, dingtalk, oauth2。',
    );
  });

  it('name an unset environment variable and say where to set it; a good file passes', () => {
    const run = check(
      `state: ./s\nlisten: { port: 8765 }\nprofiles:\n  - { name: p, provider: baidu, apiKey: { env: NOT_SET_HERE }, secretKey: { file: key } }\n`,
    );
    expect(run.lines).toContain(
      "profiles[0].apiKey: environment variable NOT_SET_HERE is not set (set it where the server starts: the shell, systemd's EnvironmentFile, docker run --env-file).",
    );
    const good = check(
      `state: ./s\nlisten: { port: 8765 }\nprofiles:\n  - { name: p, provider: baidu, ${keys.slice(2, -2)} }\n`,
    );
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
  });

  it('report missing secrets and unknown providers beside the mistakes that make the file unusable, in one run', () => {
    const run = check(
      [
        'state: ./s',
        'listen: { port: "8765" }',
        'team: { url: "redis://127.0.0.1:6379", teamKey: { file: team.key } }',
        'profiles:',
        '  - { name: p, provider: baidu, apiKey: { env: NOT_SET_HERE }, secretKey: { file: key } }',
        '  - { name: q, provider: feishu, apiKey: { file: key }, secretKey: { env: ALSO_NOT_SET } }',
        '  - { name: r, provider: nosuch, apiKey: { file: key }, secretKey: { file: key } }',
        '',
      ].join('\n'),
    );
    expect(run.status).toBe(2);
    expect(run.lines).toContain('listen.port: expected a number, found the text "8765".');
    expect(run.lines.some((line) => line.startsWith('profiles[0].apiKey: environment variable NOT_SET_HERE'))).toBe(
      true,
    );
    expect(run.lines.some((line) => line.startsWith('profiles[1].secretKey: environment variable ALSO_NOT_SET'))).toBe(
      true,
    );
    expect(run.lines).toContain('team.teamKey: file team.key cannot be read (ENOENT).');
    // The provider nobody knows is named too, once.
    expect(run.lines.filter((line) => line.startsWith('profiles[2].provider:'))).toHaveLength(1);
    // The key file that exists is not reported.
    expect(run.stderr).not.toContain('profiles[0].secretKey');
  });
});
