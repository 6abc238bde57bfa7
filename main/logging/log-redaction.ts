/**
 * Scrubs log lines of anything that looks like a credential. Applied to every message before any
 * transport writes it, so a careless log call cannot leak a key or token into a file.
 */

const CREDENTIAL_NAMES =
  'access_token|refresh_token|id_token|client_secret|client_id|app_secret|appsecret|appSecret|appkey|appKey|secret|secretKey|secret_key|secretAccessKey|apiKey|api_key|session_secret|session_key|password|passwd|token|accessToken|tenant_access_token|app_access_token|x-acs-dingtalk-access-token|authorization|private_key|team_key';

/**
 * Field names whose values are credentials whatever they look like: a letters-only key or an
 * Azure-style secret with `~` and `.` slips past every shape, not past its name. Compared with
 * case, `-` and `_` ignored; any name ending in secret, token, password or passphrase counts too.
 */
const SECRET_FIELDS = new Set([
  'secret',
  'clientsecret',
  'appsecret',
  'secretkey',
  'secretaccesskey',
  'accesskey',
  'accesskeyid',
  'apikey',
  'appkey',
  'clientid',
  'appid',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'token',
  'bearer',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'privatekey',
  'credential',
  'credentials',
  'teamkey',
  'sessionkey',
  'xacsdingtalkaccesstoken',
]);

export function isSecretField(name: string): boolean {
  const normal = name.toLowerCase().replace(/[-_\s]/g, '');
  return SECRET_FIELDS.has(normal) || /(secret|token|password|passphrase)$/.test(normal);
}

const PATTERNS: readonly [RegExp, string][] = [
  // Query strings and form bodies: access_token=..., client_secret=...
  [new RegExp(`\\b(${CREDENTIAL_NAMES})=([^&\\s"',;]+)`, 'gi'), '$1=[redacted]'],
  // JSON fields: "client_secret":"..."
  [new RegExp(`("(?:${CREDENTIAL_NAMES})"\\s*:\\s*")[^"]*(")`, 'gi'), '$1[redacted]$2'],
  // Authorization headers, whatever their scheme (BCE's signature names the access key).
  [/\b((?:proxy-)?authorization\s*[:=]\s*(?:(?:Bearer|Basic)\s+)?)[^\s,;"']+/gi, '$1[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [redacted]'],
  // BCE request signatures: bce-auth-v1/<access key>/...
  [/bce-auth-v1\/[^\s"',;]+/g, '[redacted-signature]'],
  // Baidu legacy OAuth tokens: 24.<hex>.<lifetime>.<expiry>.<digits>-<appid>
  [/\b2[45]\.[0-9a-f]{16,}\.\d+\.\d+\.\d+-\d+/gi, '[redacted-token]'],
  // Baidu IAM bearer tokens.
  [/bce-v3\/[A-Za-z0-9/+=._-]{8,}/g, '[redacted-token]'],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-token]'],
  // Feishu / Lark tenant and user tokens.
  [/\b[tu]-[A-Za-z0-9_.-]{20,}/g, '[redacted-token]'],
  // Anything long and random-looking (key pairs and opaque tokens mix letters and digits),
  // except UUIDs, which are our profile ids and harmless.
  [
    /(?<![A-Za-z0-9_-])(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9_-]))(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}/g,
    '[redacted]',
  ],
];

/** Secrets the shell has handled (tokens it copied or revealed), blanked wherever they appear. */
export function createRedactor(maxRemembered = 200) {
  const known: string[] = [];

  function redactText(text: string): string {
    let clean = text;
    for (const secret of known) clean = clean.split(secret).join('[redacted]');
    for (const [pattern, replacement] of PATTERNS) clean = clean.replace(pattern, replacement);
    return clean;
  }

  function redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return redactText(value);
    if (value instanceof Error) {
      return {
        name: value.name,
        message: redactText(value.message),
        stack: value.stack ? redactText(value.stack) : undefined,
      };
    }
    if (value === null || typeof value !== 'object' || depth > 5) return value;
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        isSecretField(key) && item !== undefined && item !== null ? '[redacted]' : redactValue(item, depth + 1),
      ]),
    );
  }

  return {
    /** Remembers a secret value so that it is blanked even where no pattern would catch it. */
    remember(secret: string): void {
      if (secret.length < 6 || known.includes(secret)) return;
      known.push(secret);
      if (known.length > maxRemembered) known.shift();
    },
    redactText,
    redactValue,
  };
}

export type Redactor = ReturnType<typeof createRedactor>;
