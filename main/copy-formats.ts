import { PROVIDERS } from './core/index.ts';
import type { CopyFormat } from './ipc-contract.ts';

/** Quotes a value for a POSIX shell: the token is opaque and may hold anything. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What goes on the clipboard for each copy format, as this provider's APIs expect it. */
export function formatToken(
  profile: { provider: keyof typeof PROVIDERS; tokenUrl?: string; options?: Record<string, unknown> },
  token: string,
  format: CopyFormat,
): string {
  const usage = PROVIDERS[profile.provider].usage(profile);
  const queryName = usage.queryName ?? 'access_token';
  const header =
    usage.style === 'header' && usage.headerName ? `${usage.headerName}: ${token}` : `Authorization: Bearer ${token}`;
  switch (format) {
    case 'raw':
      return token;
    case 'header':
      return header;
    case 'url':
      return `${queryName}=${encodeURIComponent(token)}`;
    case 'curl': {
      const { method, url, json } = usage.example;
      const parts = ['curl'];
      if (method !== 'GET') parts.push('-X', method);
      if (usage.style === 'query') {
        const target = new URL(url);
        target.searchParams.set(queryName, token);
        parts.push(shellQuote(target.toString()));
      } else {
        parts.push(shellQuote(url), '-H', shellQuote(header));
      }
      if (json !== undefined) {
        parts.push('-H', shellQuote('Content-Type: application/json'), '-d', shellQuote(JSON.stringify(json)));
      }
      return parts.join(' ');
    }
  }
}
