import { describe, expect, it } from 'vitest';
import { canonicalQuery, signBceRequest, signingKey, uriEncode } from '../../main/core/providers/bce-signer.ts';

// Baidu's published sample (PROVIDERS.md §2).
const credentials = { accessKey: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', secretKey: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' };
const timestamp = Date.parse('2015-04-27T08:23:49Z');
const headers = {
  Host: 'bj.bcebos.com',
  'Content-Type': 'text/plain',
  'Content-Length': '8',
  'Content-Md5': 'NFzcPqhviddjRNnSOGo4rw==',
  'x-bce-date': '2015-04-27T08:23:49Z',
};
const request = {
  method: 'PUT',
  path: '/v1/test/myfolder/readme.txt',
  query: { partNumber: '9', uploadId: 'a44cc9bab11cbd156984767aad637851' },
  headers,
};

describe("BCE auth v1 signing, against Baidu's published vectors", () => {
  it('derives the signing key', () => {
    expect(
      signingKey(credentials.secretKey, 'bce-auth-v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/2015-04-27T08:23:49Z/1800'),
    ).toBe('1d5ce5f464064cbee060330d973218821825ac6952368a482a592e6615aef479');
  });

  it('signs with all five headers', () => {
    const auth = signBceRequest(
      { ...request, signedHeaders: ['host', 'content-type', 'content-length', 'content-md5', 'x-bce-date'] },
      credentials,
      timestamp,
    );
    expect(auth).toBe(
      'bce-auth-v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/2015-04-27T08:23:49Z/1800/content-length;content-md5;content-type;host;x-bce-date/d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e',
    );
  });

  it('signs with host and x-bce-date only', () => {
    const auth = signBceRequest({ ...request, signedHeaders: ['host', 'x-bce-date'] }, credentials, timestamp);
    expect(auth.endsWith('/host;x-bce-date/1b8de5a23a56eef657c69f94c621e7acd227d049a4ba577f537d5e5cebf0cf32')).toBe(
      true,
    );
  });

  it.each([
    ['a b', 'a%20b'],
    ['~-._', '~-._'],
    ['中', '%E4%B8%AD'],
    ['a/b', 'a%2Fb'],
    ['=&+', '%3D%26%2B'],
  ])('encodes %j as %j', (raw, encoded) => {
    expect(uriEncode(raw)).toBe(encoded);
  });

  it('sorts the canonical query, keeps empty values and leaves out authorization', () => {
    expect(canonicalQuery({ z: '1', a: '', authorization: 'x', expireInSeconds: '86400' })).toBe(
      'a=&expireInSeconds=86400&z=1',
    );
  });
});
