import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import log from 'electron-log/node';
import { afterAll, describe, expect, it } from 'vitest';
import { configureLogFile, createAppLogger } from '../../../main/logging/app-logger.ts';
import { createRedactor } from '../../../main/logging/log-redaction.ts';

// Real credential shapes, as providers hand them out (values made up, shapes faithful).
const SECRETS = {
  baiduToken: '24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1485516651.282335-8574074',
  baiduApiKey: 'Xy7kQ2mB9vL4nR8tW3pZ6cJd',
  baiduSecretKey: 'h2R9kP4sT7vX1zB5nM8qW3eY6uI0oA2d',
  iamToken: 'bce-v3/ALTAK-kEOuJjRbJkWtTGfOwgX3a/6d2b8f0d2e4a4c1f9b7e5d3c1a0f8e6d4c2b0a9e',
  jwt: 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjbGllbnQtMTIzIiwiZXhwIjoxOTAwMDAwMDAwfQ.c2lnbmF0dXJl',
  feishu: 't-g1044ghJV6YB5Z6JQGMZXB3AQB7AAABSPKGTHLQI',
  wechat: '88_Xm3u7bFc2vLk9Qw4eRt6yUi1oPa5sDf8gHj0kLz2xCv4bNm7QwErTyUiOp',
  oauth: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg',
};

describe('log redaction', () => {
  const redactor = createRedactor();

  it.each(Object.entries(SECRETS))('blanks a %s wherever it appears', (_kind, secret) => {
    for (const line of [
      `token ${secret} expires`,
      `GET https://aip.baidubce.com/rpc?access_token=${secret}&x=1`,
      `{"access_token":"${secret}","expires_in":2592000}`,
      `Authorization: Bearer ${secret}`,
    ]) {
      expect(redactor.redactText(line)).not.toContain(secret);
    }
  });

  it('blanks credential parameters and Basic auth whatever the value looks like', () => {
    const text = redactor.redactText(
      'client_secret=short1&client_id=abc&grant_type=client_credentials Authorization: Basic dXNlcjpwYXNz',
    );
    expect(text).toBe(
      'client_secret=[redacted]&client_id=[redacted]&grant_type=client_credentials Authorization: Basic [redacted]',
    );
  });

  it('blanks a value it was told about even when no pattern matches', () => {
    const own = createRedactor();
    own.remember('plain words token');
    expect(own.redactText('copied plain words token to clipboard')).toBe('copied [redacted] to clipboard');
  });

  it('keeps what a log needs: profile ids, error codes, times', () => {
    const line =
      'token refresh failed {"profile":"0b5e9c1e-7d2a-4f1e-9a3b-2c4d6e8f0a1b","code":"invalid_credentials","httpStatus":401}';
    expect(redactor.redactText(line)).toBe(line);
  });

  it('scrubs nested details and errors', () => {
    const value = redactor.redactValue({
      error: new Error(`bad ${SECRETS.baiduToken}`),
      nested: { deeper: [SECRETS.jwt] },
    }) as {
      error: { message: string };
    };
    expect(JSON.stringify(value)).not.toContain(SECRETS.baiduToken);
    expect(JSON.stringify(value)).not.toContain(SECRETS.jwt);
    expect(value.error.message).toBe('bad [redacted-token]');
  });
});

/** Secrets of shapes no pattern can tell from words: only their field names give them away. */
const HARD_SHAPES = [
  'qwertyuiopasdfgh',
  'QwErTyUiOpAsDfGhJkLz',
  'Xyz8Q~AbCd.EfGh_IjKl-MnOp.QrSt~UvWx0123',
  'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  'Xy7kQ2mB9vL4nR8tW3pZ6cJd',
  'Zm9v+YmFy/YmF6cXV4MTIz==',
  '839201746501928374',
  'aB3dE5gH7jK9',
  'peer secret/+=0123',
  'd9b1d7db-4d8e-4f3a-9c7b-1a2b3c4d5e6f',
  'dingabcdefghijklmnop',
];
const SECRET_FIELDS = [
  'secret',
  'client_secret',
  'appsecret',
  'secretKey',
  'access_token',
  'api_key',
  'password',
  'authorization',
];

describe('the app logger over electron-log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function fileLogger(name: string) {
    const instance = log.create({ logId: name });
    const file = join(dir, `${name}.log`);
    configureLogFile(instance, { file, console: false });
    return { logger: createAppLogger(instance, createRedactor()), file };
  }

  it(`writes none of ${HARD_SHAPES.length * SECRET_FIELDS.length} secrets handed to it under credential field names`, async () => {
    const { logger, file } = fileLogger('fields');
    for (const secret of HARD_SHAPES) {
      for (const field of SECRET_FIELDS) logger.info('request', { profile: 'p1', [field]: secret });
    }
    logger.warn('nested', {
      call: { headers: { Authorization: `Basic ${HARD_SHAPES[0]}` }, form: { appSecret: HARD_SHAPES[1] } },
    });
    logger.warn(`text authorization: bce-auth-v1/${HARD_SHAPES[0]}/2026-11-30T00:00:00Z/1800/host/abc`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = readFileSync(file, 'utf8');
    expect(written.split('request').length - 1).toBe(HARD_SHAPES.length * SECRET_FIELDS.length);
    const leaked = HARD_SHAPES.filter((secret) => written.includes(secret));
    expect(leaked).toEqual([]);
    expect(written).toContain("profile: 'p1'");
  });

  it('creates the log file readable by its owner only, and tightens one an older version left open', async () => {
    const { logger, file } = fileLogger('mode');
    logger.info('hello');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const old = join(dir, 'old.log');
    writeFileSync(old, 'from an earlier version\n');
    chmodSync(old, 0o644);
    configureLogFile(log.create({ logId: 'old' }), { file: old, console: false });
    expect(statSync(old).mode & 0o777).toBe(0o600);
  });

  it('writes no secret to the log file, whatever it is handed', async () => {
    const instance = log.create({ logId: 'redaction-test' });
    const file = join(dir, 'main.log');
    instance.transports.console.level = false;
    instance.transports.file.resolvePathFn = () => file;
    const logger = createAppLogger(instance, createRedactor());
    logger.info('fetched', { url: `https://aip.baidubce.com/oauth/2.0/token?client_secret=${SECRETS.baiduSecretKey}` });
    logger.warn(`response {"access_token":"${SECRETS.baiduToken}"}`);
    logger.error('failed', { error: new Error(`Bearer ${SECRETS.iamToken}`), key: SECRETS.baiduApiKey });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = readFileSync(file, 'utf8');
    for (const message of ['fetched', 'response', 'failed']) expect(written).toContain(message);
    for (const secret of Object.values(SECRETS)) expect(written).not.toContain(secret);
    expect(written).toContain('client_secret=[redacted]');
  });
});
