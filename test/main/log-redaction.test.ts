import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import log from 'electron-log/node';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppLogger } from '../../main/app-logger.ts';
import { createRedactor } from '../../main/log-redaction.ts';

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

describe('the app logger over electron-log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
