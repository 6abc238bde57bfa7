/**
 * Removes a profile's own secrets from text a server sent back. Token servers have been seen to
 * quote the request in their error descriptions: the key raw, URL- or form-encoded, JSON-escaped,
 * or inside the base64 of a Basic header. Every one of those forms is blanked before provider
 * text is stored, shown or logged.
 */

const REDACTED = '[redacted]';
/** Shorter forms are not searched for: they would blank ordinary words, and no real key is this short. */
const MIN_FORM_LENGTH = 4;
/** A base64 fragment must be this long to count; shorter ones occur in text by chance. */
const MIN_BASE64_LENGTH = 6;

const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/**
 * The base64 characters that encode `bytes` wherever they sit in a longer string: a value
 * inside a Basic header (`id:secret`) or any other base64 blob starts at one of three byte
 * alignments, and in each only the characters made of the value's bits alone are stable.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(2)]);
    const encoded = padded.toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(first, end);
    if (core.length >= MIN_BASE64_LENGTH) cores.push(core, core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return cores;
}

/** Every form in which a server (or a log line) might carry `secret`: plain, URL- or form-encoded, JSON-escaped, base64, base64url, hex. */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_FORM_LENGTH) return [];
  const json = JSON.stringify(secret).slice(1, -1);
  const textual = [secret, encodeURIComponent(secret), formEncode(secret), json, json.replaceAll('/', '\\/')];
  const forms = new Set(textual);
  for (const text of new Set(textual.slice(0, 3))) {
    for (const core of base64Cores(Buffer.from(text, 'utf8'))) forms.add(core);
  }
  // The whole value encoded on its own (a short one has no stable core), and a hex dump of its
  // bytes (matching ignores case, so upper-case hex is caught too).
  const bytes = Buffer.from(secret, 'utf8');
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64url'));
  forms.add(bytes.toString('hex'));
  return [...forms].filter((form) => form.length >= MIN_FORM_LENGTH);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Blanks every form of every secret in `text`. Matching ignores case, so `%2f` and `%2F` are both
 * caught; blanking a little more than needed is harmless, missing an echo is not.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const forms = secrets.flatMap(secretForms).sort((a, b) => b.length - a.length);
  if (forms.length === 0) return text;
  return text.replace(new RegExp(forms.map(escapeRegExp).join('|'), 'gi'), REDACTED);
}
