/**
 * The gateway's request target: `/gw/<profile>/<path>[?query]` forwards `<path>?query` to one of
 * the profile's API origins. Nothing in the target may choose another host: the path must be a
 * plain absolute path, and the URL built from it must still have the allowed origin. Refused:
 * absolute-form targets, `//host`, backslashes, `@` before the path, encoded slashes, backslashes
 * and dots, dot segments, control characters and raw spaces, brackets (IPv6 literals), a fragment.
 */

export const GATEWAY_PREFIX = '/gw/';

export type TargetProblem = 'not_gateway' | 'bad_target' | 'no_profile';

export interface GatewayTarget {
  /** The profile as the client named it (id, name or unique prefix), decoded. */
  profile: string;
  /** The path and query to send upstream, as received (never decoded and re-encoded). */
  pathAndQuery: string;
}

/** Characters that never belong in what the gateway forwards: controls, space, `\`, `[`, `]`, `#`. */
const FORBIDDEN = /[\p{Cc}\s\\[\]#]/u;
/**
 * Encoded `/`, `\` and `.`, and an encoded `%` (`%252e` is `..` to a server that decodes twice):
 * decoded by some servers into a different path than the one checked.
 */
const ENCODED_SEPARATORS = /%(?:2f|5c|2e|25)/i;
/** Encoded control characters (`%00`, CR LF): no API path holds them, header injection does. */
const ENCODED_CONTROLS = /%(?:[01][0-9a-f]|7f)/i;

/** Splits and checks a raw request target (`request.url`). */
export function parseGatewayTarget(raw: string): GatewayTarget | TargetProblem {
  if (!raw.startsWith(GATEWAY_PREFIX)) return 'not_gateway';
  if (FORBIDDEN.test(raw)) return 'bad_target';
  const rest = raw.slice(GATEWAY_PREFIX.length);
  const slash = rest.search(/[/?]/);
  const encodedProfile = slash < 0 ? rest : rest.slice(0, slash);
  let profile: string;
  try {
    profile = decodeURIComponent(encodedProfile);
  } catch {
    return 'bad_target';
  }
  if (profile === '') return 'no_profile';
  let pathAndQuery = slash < 0 ? '/' : rest.slice(slash);
  if (pathAndQuery.startsWith('?')) pathAndQuery = `/${pathAndQuery}`;
  const queryAt = pathAndQuery.indexOf('?');
  const path = queryAt < 0 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  if (path.startsWith('//') || path.includes('@')) return 'bad_target';
  if (ENCODED_SEPARATORS.test(path) || ENCODED_CONTROLS.test(path)) return 'bad_target';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return 'bad_target';
  return { profile, pathAndQuery };
}

/**
 * The upstream URL for a checked target on an allowed origin; undefined if the result somehow
 * left that origin (the last line of defence, whatever the parsing above missed).
 */
export function upstreamUrl(origin: string, pathAndQuery: string): URL | undefined {
  if (!pathAndQuery.startsWith('/') || pathAndQuery.startsWith('//')) return undefined;
  if (!URL.canParse(`${origin}${pathAndQuery}`)) return undefined;
  const url = new URL(`${origin}${pathAndQuery}`);
  if (url.origin !== origin || url.username || url.password || url.hash) return undefined;
  return url;
}
