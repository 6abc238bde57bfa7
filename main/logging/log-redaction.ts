import { type Cipher, secretForms } from '../core/index.ts';

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

/** How many characters of a form index it: every form is at least this long (secretForms). */
const INDEX = 4;

/**
 * Every form of every secret the process holds, found in a line in one pass: forms are indexed by
 * their first four characters (lower case), so ten thousand credentials cost a map lookup per
 * character, not ten thousand searches.
 */
function createSecretIndex(maxRemembered: number) {
  /** Secrets in the order they were registered (a Map keeps it), each with its forms. */
  const secrets = new Map<string, string[]>();
  const index = new Map<string, Set<string>>();

  function add(secret: string): void {
    const forms = secretForms(secret).map((form) => form.toLowerCase());
    secrets.set(secret, forms);
    for (const form of forms) {
      const head = form.slice(0, INDEX);
      const set = index.get(head) ?? new Set();
      set.add(form);
      index.set(head, set);
    }
  }
  function drop(secret: string): void {
    for (const form of secrets.get(secret) ?? []) {
      const still = [...secrets].some(([other, forms]) => other !== secret && forms.includes(form));
      if (!still) index.get(form.slice(0, INDEX))?.delete(form);
    }
    secrets.delete(secret);
  }

  return {
    remember(secret: string): void {
      if (secret.length < INDEX || secrets.has(secret)) return;
      add(secret);
      const [oldest] = secrets.keys();
      if (secrets.size > maxRemembered && oldest !== undefined) drop(oldest);
    },
    /** The text with every known form replaced, longest match first at each place. */
    mask(text: string): string {
      if (secrets.size === 0 || text.length < INDEX) return text;
      const lower = text.toLowerCase();
      let out = '';
      let from = 0;
      for (let i = 0; i <= lower.length - INDEX; ) {
        const candidates = index.get(lower.slice(i, i + INDEX));
        let longest = 0;
        if (candidates) {
          for (const form of candidates) if (form.length > longest && lower.startsWith(form, i)) longest = form.length;
        }
        if (longest > 0) {
          out += `${text.slice(from, i)}[redacted]`;
          i += longest;
          from = i;
        } else i++;
      }
      return out + text.slice(from);
    },
  };
}

/**
 * Blanks log lines: every secret the process holds (registered as it is loaded or obtained, in
 * each form it may travel in) wherever it appears, as CI systems mask registered secrets; then the
 * patterns, a second net for what was never registered.
 */
export function createRedactor(maxRemembered = 100_000) {
  const known = createSecretIndex(maxRemembered);

  function redactText(text: string): string {
    let clean = known.mask(text);
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
    /** Remembers a secret value so that it is blanked, in every form, even where no pattern would catch it. */
    remember: known.remember,
    redactText,
    redactValue,
  };
}

export type Redactor = ReturnType<typeof createRedactor>;

/**
 * A cipher that tells the redactor every value it seals or opens: the keys, secrets, tokens and
 * proxy passwords the engine holds pass through it as they are loaded or obtained, so the log
 * masks them wherever they turn up, whatever they look like.
 */
export function rememberingCipher(cipher: Cipher, redactor: Pick<Redactor, 'remember'>): Cipher {
  const seen = (plain: string) => {
    redactor.remember(plain);
    return plain;
  };
  const remembering: Cipher = {
    encrypt: (plain) => cipher.encrypt(seen(plain)),
    decrypt: async (stored) => seen(await cipher.decrypt(stored)),
  };
  const rotating = cipher.decryptWithRotation?.bind(cipher);
  if (rotating) {
    remembering.decryptWithRotation = async (stored) => {
      const opened = await rotating(stored);
      seen(opened.plain);
      return opened;
    };
  }
  return remembering;
}
