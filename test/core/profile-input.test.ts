import { describe, expect, it } from 'vitest';
import { apiKeyHint, cleanKey } from '../../main/core/profile-input.ts';
import { isLoopbackHost } from '../../main/core/token-url.ts';

describe('key hints', () => {
  it.each([
    ['Baidu API Key', 'Xy7kQ2mB9vL4nR8tW3pZ6cJd', 'Xy7k…6cJd'],
    ['short key', 'abcdefghij', '…hij'],
    ['tiny key', 'abc', '…'],
  ])('%s', (_label, key, hint) => {
    expect(apiKeyHint(key)).toBe(hint);
    if (key.length > 4) expect(hint).not.toContain(key);
  });
});

describe('pasted keys', () => {
  it.each([
    ['surrounding spaces and newline', '  abc123 \n', 'abc123'],
    ['Windows line ending', 'abc123\r\n', 'abc123'],
    ['tab', '\tabc123', 'abc123'],
  ])('are trimmed: %s', (_label, raw, clean) => {
    expect(cleanKey('apiKey', raw, 'baidu')).toBe(clean);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['a space inside', 'abc 123'],
    ['a zero byte', 'abc\u0000123'],
    ['a C1 control', 'abc\u0085123'],
    ['not a string', 42],
  ])('are refused: %s', (_label, raw) => {
    expect(() => cleanKey('secretKey', raw, 'baidu')).toThrow(/key/i);
  });

  it.each([
    ['a zero-width space', 'abc\u200b123', 'input.key_invisible_chars'],
    ['a right-to-left override', 'abc\u202e123', 'input.key_invisible_chars'],
    ['a word joiner', 'abc\u2060123', 'input.key_invisible_chars'],
    ['a soft hyphen', 'abc\u00ad123', 'input.key_invisible_chars'],
    ['an inner space', 'abc 123', 'input.key_spaces'],
    ['a no-break space', 'abc\u00a0123', 'input.key_spaces'],
  ])('refuses a key with %s, whatever the provider', (_label, raw, messageKey) => {
    for (const provider of ['baidu', 'wechat', 'oauth2'] as const) {
      if (provider === 'oauth2' && raw === 'abc 123') continue;
      expect(() => cleanKey('secretKey', raw, provider)).toThrow(expect.objectContaining({ messageKey }));
    }
  });

  it('keeps the inner spaces of an OAuth 2.0 client secret (VSCHAR, RFC 6749 Appendix A) and trims its ends', () => {
    expect(cleanKey('secretKey', '  peer secret/+=  ', 'oauth2')).toBe('peer secret/+=');
    expect(cleanKey('apiKey', 'my client', 'oauth2')).toBe('my client');
    expect(() => cleanKey('secretKey', 'peer\tsecret', 'oauth2')).toThrow(/control/);
  });
});

describe('loopback hosts, the only ones plain http:// may reach', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['[::1]', true],
    ['[::ffff:7f00:1]', true],
    ['localhost.evil.example', false],
    ['10.0.0.1', false],
    ['[::2]', false],
    ['aip.baidubce.com', false],
  ])('%s: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
