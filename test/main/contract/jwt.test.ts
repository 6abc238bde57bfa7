import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeJwt, jwtExpiry } from '../../../main/contract/jwt.ts';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(header: unknown, claims: unknown): string {
  const body = `${part(header)}.${part(claims)}`;
  return `${body}.${createHmac('sha256', 'k').update(body).digest('base64url')}`;
}

describe('reading a JWT', () => {
  it('decodes header and claims, UTF-8 included, without checking the signature', () => {
    const token = jwt({ alg: 'RS256', kid: 'a' }, { exp: 1_800_000_000, aud: ['a', 'b'], name: '千帆' });
    expect(decodeJwt(token)).toEqual({
      header: { alg: 'RS256', kid: 'a' },
      claims: { exp: 1_800_000_000, aud: ['a', 'b'], name: '千帆' },
    });
    expect(jwtExpiry(token)).toBe(1_800_000_000_000);
  });

  it('says nothing about tokens that are not JWTs, or that only look like one', () => {
    for (const token of [
      '24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1485516651.282335-8574074', // Baidu: dots, not JSON
      'bce-v3/ALTAK-abc/def',
      'a.b',
      `${part({ typ: 'JWT' })}.${part({ exp: 1 })}.sig`, // no alg
      `${part({ alg: 'HS256' })}.${part([1, 2])}.sig`, // claims not an object
      `${part({ alg: 'HS256' })}.%%%.sig`,
      `${part({ alg: 'HS256' })}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.sig`, // not UTF-8
    ]) {
      expect(decodeJwt(token), token).toBeUndefined();
    }
  });

  it('takes only a plausible exp as an expiry', () => {
    expect(jwtExpiry(jwt({ alg: 'HS256' }, { exp: '1800000000' }))).toBeUndefined();
    expect(jwtExpiry(jwt({ alg: 'HS256' }, { exp: 1_800_000_000_000 }))).toBeUndefined(); // milliseconds by mistake
    expect(jwtExpiry(jwt({ alg: 'HS256' }, { iat: 1 }))).toBeUndefined();
  });
});
