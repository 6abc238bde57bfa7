import type { OutgoingHttpHeaders } from 'node:http';
import type { CopyFormat, TokenPlacement } from '../contract/vocabulary.ts';
import { providerFacts } from './providers/facts.ts';
import type { ProviderId } from './providers/index.ts';

/**
 * Where a token goes in a request, in one place beside the catalogue: the tray's copy formats, the
 * API's and the CLI's text forms, and the gateway's injection all put it where the provider's
 * APIs read it (the catalogue entry's `usage`).
 */

/** Quotes a value for a POSIX shell: everything between single quotes is literal but `'` itself. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quotes a value for PowerShell: in a single-quoted string only a quote is special, and
 * PowerShell also takes the typographic quotes ‘ ’ ‚ ‛ as quotes, so each is doubled.
 */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/** JSON with every non-ASCII character escaped, so no shell or console code page can mangle it. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

interface Request {
  method: 'GET' | 'POST';
  url: string;
  headers: [string, string][];
  json?: unknown;
}

/** The header the provider's APIs read the token from: Authorization, or one of their own. */
function tokenHeader(usage: TokenPlacement, token: string): [string, string] {
  return usage.style === 'header' ? [usage.name, token] : ['Authorization', `Bearer ${token}`];
}

/** The provider's example request, with the token where its APIs read it. */
function exampleRequest(usage: TokenPlacement, example: Omit<Request, 'headers'>, token: string): Request {
  const { method, url, json } = example;
  if (usage.style !== 'query') return { method, url, headers: [tokenHeader(usage, token)], json };
  const target = new URL(url);
  target.searchParams.set(usage.name, token);
  return { method, url: target.toString(), headers: [], json };
}

function curlLine(request: Request): string {
  const parts = ['curl'];
  if (request.method !== 'GET') parts.push('-X', request.method);
  parts.push(shellQuote(request.url));
  for (const [name, value] of request.headers) parts.push('-H', shellQuote(`${name}: ${value}`));
  if (request.json !== undefined) {
    parts.push('-H', shellQuote('Content-Type: application/json'), '-d', shellQuote(JSON.stringify(request.json)));
  }
  return parts.join(' ');
}

/**
 * Invoke-RestMethod rather than curl.exe: Windows PowerShell 5.1 strips the double quotes of JSON
 * passed to native programs, and `curl` there is an alias of Invoke-WebRequest anyway.
 */
function powershellLine(request: Request): string {
  const parts = ['Invoke-RestMethod', '-Method', request.method === 'GET' ? 'Get' : 'Post'];
  parts.push('-Uri', powershellQuote(request.url));
  if (request.headers.length > 0) {
    const entries = request.headers.map(([name, value]) => `${powershellQuote(name)} = ${powershellQuote(value)}`);
    parts.push('-Headers', `@{ ${entries.join('; ')} }`);
  }
  if (request.json !== undefined) {
    parts.push('-ContentType', powershellQuote('application/json; charset=utf-8'));
    parts.push('-Body', powershellQuote(asciiJson(request.json)));
  }
  return parts.join(' ');
}

/** What goes on the clipboard for each copy format, as this provider's APIs expect it. */
export function formatToken(
  profile: { provider: ProviderId; tokenUrl?: string | undefined; options?: Record<string, unknown> },
  token: string,
  format: CopyFormat,
): string {
  const facts = providerFacts(profile.provider, profile.options ?? {});
  const { usage } = facts;
  // `{tokenOrigin}`: the API lives where the profile's token server is (a private gateway, Lark).
  const origin = new URL(profile.tokenUrl ?? facts.defaultTokenUrl ?? 'https://api.example.com/').origin;
  const example = { ...facts.example, url: facts.example.url.replace('{tokenOrigin}', origin) };
  switch (format) {
    case 'raw':
      return token;
    case 'header':
      return tokenHeader(usage, token).join(': ');
    case 'url':
      return `${usage.style === 'query' ? usage.name : 'access_token'}=${encodeURIComponent(token)}`;
    case 'curl':
      return curlLine(exampleRequest(usage, example, token));
    case 'powershell':
      return powershellLine(exampleRequest(usage, example, token));
  }
}

/**
 * Puts the token where the provider's APIs read it, replacing whatever a client put there (the
 * gateway): the URL is changed in place, the headers returned.
 */
export function placeToken(
  usage: TokenPlacement,
  token: string,
  url: URL,
  headers: OutgoingHttpHeaders,
): OutgoingHttpHeaders {
  if (usage.style === 'query') {
    url.searchParams.delete(usage.name);
    url.searchParams.append(usage.name, token);
    return headers;
  }
  const [name, value] = tokenHeader(usage, token);
  return { ...headers, [name.toLowerCase()]: value };
}
