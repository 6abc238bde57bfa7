import { createHmac } from 'node:crypto';

/** Baidu AI Cloud request signing, "BCE auth v1" (bce-auth-v1/...). */

const hmacHex = (key: string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest('hex');

/** UTF-8 percent-encoding that keeps only A-Z a-z 0-9 - . _ ~ (upper-case hex). */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(char) || (keepSlash && char === '/')) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `YYYY-MM-DDThh:mm:ssZ`, the only timestamp form BCE accepts. */
export function bceTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface BceRequest {
  method: string;
  /** The path, not encoded. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Lower-case names of the headers to sign; `host` is enough for the bearer-token call. */
  signedHeaders: string[];
}

export function canonicalQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .filter(([key]) => key.toLowerCase() !== 'authorization')
    .map(([key, value]) => `${uriEncode(key)}=${uriEncode(value)}`)
    .sort()
    .join('&');
}

function canonicalHeaders(headers: Record<string, string>, signed: readonly string[]): string {
  const wanted = new Set(signed.map((name) => name.toLowerCase()));
  return Object.entries(headers)
    .filter(([name]) => wanted.has(name.trim().toLowerCase()))
    .map(([name, value]) => `${uriEncode(name.trim().toLowerCase())}:${uriEncode(value.trim())}`)
    .sort()
    .join('\n');
}

/** The signing key for a credential and time: hex HMAC-SHA256 of the auth prefix. */
export function signingKey(secretKey: string, prefix: string): string {
  return hmacHex(secretKey, prefix);
}

/** Builds the `Authorization` header value for a request signed with an Access Key / Secret Key. */
export function signBceRequest(
  request: BceRequest,
  credentials: { accessKey: string; secretKey: string },
  timestampMs: number,
  expirationSeconds = 1800,
): string {
  const prefix = `bce-auth-v1/${credentials.accessKey}/${bceTimestamp(timestampMs)}/${expirationSeconds}`;
  const key = signingKey(credentials.secretKey, prefix);
  const canonical = [
    request.method.toUpperCase(),
    uriEncode(request.path, true),
    canonicalQuery(request.query),
    canonicalHeaders(request.headers, request.signedHeaders),
  ].join('\n');
  const signedHeaders = [...request.signedHeaders]
    .map((name) => name.toLowerCase())
    .sort()
    .join(';');
  return `${prefix}/${signedHeaders}/${hmacHex(key, canonical)}`;
}
