/**
 * Reading a JWT (RFC 7519) without verifying it: its header and claims, decoded locally. Used to
 * show a token's claims when the user asks, and to learn a lifetime from `exp` when the token
 * server did not say one. Never trust these claims for anything else: the signature is not checked.
 */

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!SEGMENT.test(segment)) return undefined;
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The header and claims of a JWS compact token; undefined for any other token. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[2] === undefined || !/^[A-Za-z0-9_-]*$/.test(parts[2])) return undefined;
  const header = decodeSegment(parts[0] ?? '');
  const claims = decodeSegment(parts[1] ?? '');
  if (!header || !claims || typeof header.alg !== 'string') return undefined;
  return { header, claims };
}

/** `exp` as ms since epoch, when it is a plausible NumericDate. */
export function jwtExpiry(token: string): number | undefined {
  const exp = decodeJwt(token)?.claims.exp;
  return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 && exp < 1e11 ? exp * 1000 : undefined;
}
