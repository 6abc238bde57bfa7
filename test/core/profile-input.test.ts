import { describe, expect, it } from 'vitest';
import { apiKeyHint, cleanKey } from '../../main/core/profile-input.ts';

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
    expect(cleanKey('apiKey', raw)).toBe(clean);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['a space inside', 'abc 123'],
    ['a zero byte', 'abc\u0000123'],
    ['a C1 control', 'abc\u0085123'],
    ['not a string', 42],
  ])('are refused: %s', (_label, raw) => {
    expect(() => cleanKey('secretKey', raw)).toThrow(/key/i);
  });
});
