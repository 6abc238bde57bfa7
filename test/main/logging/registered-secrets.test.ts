import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRedactor, rememberingCipher } from '../../../main/logging/log-redaction.ts';
import { createAesGcmCipher } from '../../support/aes-gcm-cipher.ts';

/**
 * Redaction by value: every secret the process holds is registered as it is loaded or obtained,
 * and blanked in every line, in every form it may travel in, whatever it looks like. The patterns
 * stay as a second net; these shapes are the ones they miss.
 */

const alphabet = (chars: string, length: number, seed: number) =>
  Array.from({ length }, (_, i) => chars[(i * 7 + seed * 13) % chars.length]).join('');
const HEX = '0123456789abcdef';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const AZURE = 'abcdefghijkLMNOPQ0123456789~._-';
const BASE64ISH = 'ABCDEFGHIJKLMNOPqrstuvwxyz0123456789+/=';

/** 96 secret shapes: short, hex-only, letters-only, digits-only, with ~ . + / =, spaces, unicode. */
const SHAPES: string[] = [
  ...[4, 5, 6, 8, 10, 12, 16, 20].flatMap((n, i) => [
    alphabet(HEX, n, i),
    alphabet(LETTERS, n, i),
    alphabet('0123456789', n, i),
    alphabet(AZURE, n + 20, i),
    alphabet(BASE64ISH, n + 12, i),
    `${alphabet(LETTERS, n, i + 3)}==`,
  ]),
  ...Array.from({ length: 24 }, (_, i) => randomBytes(6 + i).toString(i % 2 ? 'base64' : 'hex')),
  ...Array.from({ length: 16 }, (_, i) => `pass word ${i}${'é'.repeat(i % 3)}!`),
  ...Array.from({ length: 8 }, (_, i) => `Wx8~${i}.A+b/c=d`),
];

/** Where a secret shows up in a log line that no pattern names. */
function lines(secret: string): unknown[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    `copied ${secret} to the clipboard`,
    `GET https://api.example.test/v1?sig=${encodeURIComponent(secret)}&x=1`,
    `form body note=${new URLSearchParams({ v: secret }).toString().slice(2)}`,
    { note: secret, nested: [{ whatever: `(${secret})` }] },
    new Error(`upstream said: bad value ${secret}`),
    `dump ${bytes.toString('base64')} end`,
    `dump ${bytes.toString('base64url')} end`,
    `hex ${bytes.toString('hex')} HEX ${bytes.toString('hex').toUpperCase()}`,
    `Authorization: Digest response="${Buffer.from(`client:${secret}`).toString('base64')}"`,
    `{"escaped":${JSON.stringify(secret)}}`,
  ];
}

function forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, encodeURIComponent(secret), bytes.toString('base64'), bytes.toString('hex')];
}

describe('redaction of registered secrets', () => {
  it(`blanks all ${SHAPES.length} shapes in every form and place, once registered`, () => {
    const redactor = createRedactor();
    for (const secret of SHAPES) redactor.remember(secret);
    const leaks: string[] = [];
    for (const secret of SHAPES) {
      for (const line of lines(secret)) {
        const written = JSON.stringify(redactor.redactValue(line));
        for (const form of forms(secret)) if (written.includes(form)) leaks.push(`${secret} as ${form} in ${written}`);
      }
    }
    expect(SHAPES.length).toBeGreaterThanOrEqual(88);
    expect(leaks).toEqual([]);
  });

  it('keeps the rest of the line', () => {
    const redactor = createRedactor();
    redactor.remember('abcd');
    expect(redactor.redactText('token abcd refreshed for profile 42')).toBe(
      'token [redacted] refreshed for profile 42',
    );
  });

  it('learns every value the engine seals or opens through the cipher', async () => {
    const redactor = createRedactor();
    const cipher = rememberingCipher(createAesGcmCipher(), redactor);
    const sealed = await cipher.encrypt('k3y');
    expect(redactor.redactText('k3y')).toBe('k3y'); // three characters: too short to blank safely
    const opened = await cipher.decrypt(await cipher.encrypt('hexhexhex0'));
    expect(opened).toBe('hexhexhex0');
    expect(redactor.redactText('secret hexhexhex0 here')).toBe('secret [redacted] here');
    expect(await cipher.decrypt(sealed)).toBe('k3y');
  });

  it('masks ten thousand registered secrets in a line without slowing to a crawl', () => {
    const redactor = createRedactor();
    const many = Array.from({ length: 10_000 }, (_, i) => `credential-${i}-${randomBytes(8).toString('hex')}`);
    for (const secret of many) redactor.remember(secret);
    const line = `refresh ${many[1234]} and ${many[9876]} done`;
    expect(redactor.redactText(line)).toBe('refresh [redacted] and [redacted] done');
  });
});
