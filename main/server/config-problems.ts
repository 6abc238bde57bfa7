import { closest, distance } from 'fastest-levenshtein';
import type { Translator } from '../contract/i18n.ts';
import { isProviderId, PROVIDER_IDS, PROVIDERS } from '../core/index.ts';

/**
 * Configuration mistakes in words a person can act on: the field's path, what was expected, what
 * was found, the allowed values of a choice, a did-you-mean for a misspelled name, and for a key
 * written inline how to write it instead. A secret's value is never repeated back.
 */

/** The parts of a zod issue read here (zod/mini, parsed with `reportInput`). */
export interface Issue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  expected?: string;
  input?: unknown;
  keys?: readonly string[];
  values?: readonly unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  errors?: readonly (readonly { code: string; path: readonly PropertyKey[]; keys?: readonly string[] }[])[];
}

/** Fields whose value is a secret (or says where one is): what was found is never printed. */
const SECRET_FIELDS = new Set(['apiKey', 'secretKey', 'teamKey', 'password', 'key']);

export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );
}

/** "did you mean" for a name close enough to one that exists (at most a third of it changed). */
export function didYouMean(word: string, known: readonly string[], tr: Translator): string {
  if (known.length === 0) return '';
  const best = closest(
    word.toLowerCase(),
    known.map((name) => name.toLowerCase()),
  );
  const match = known.find((name) => name.toLowerCase() === best) ?? best;
  const far = distance(word.toLowerCase(), best);
  return far <= Math.max(2, Math.floor(best.length / 3)) ? tr.t('server.did_you_mean', { name: match }) : '';
}

function typeName(expected: string | undefined, tr: Translator): string {
  switch (expected) {
    case 'number':
      return tr.t('server.type_number');
    case 'string':
      return tr.t('server.type_text');
    case 'boolean':
      return tr.t('server.type_boolean');
    case 'array':
      return tr.t('server.type_list');
    case 'object':
      return tr.t('server.type_mapping');
    default:
      return expected ?? '?';
  }
}

function found(value: unknown, secret: boolean, tr: Translator): string {
  if (value === undefined) return tr.t('server.found_nothing');
  if (value === null) return tr.t('server.found_null');
  if (secret) return typeName(Array.isArray(value) ? 'array' : typeof value, tr);
  if (typeof value === 'string') return tr.t('server.found_text', { value: JSON.stringify(value) });
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeName(Array.isArray(value) ? 'array' : 'object', tr);
}

/** One zod issue as a line; `known(path)` gives the field names an object at `path` may have. */
export function describeIssue(
  issue: Issue,
  known: (path: readonly PropertyKey[]) => readonly string[],
  tr: Translator,
): string {
  const where = pathText(issue.path) || tr.t('server.top_level');
  const last = issue.path.at(-1);
  const secret = typeof last === 'string' && SECRET_FIELDS.has(last);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined)
        return `${where}: ${tr.t('server.missing', { expected: typeName(issue.expected, tr) })}`;
      return `${where}: ${tr.t('server.expected_found', {
        expected: typeName(issue.expected, tr),
        found: found(issue.input, secret, tr),
      })}`;
    case 'unrecognized_keys': {
      const names = known(issue.path);
      return (issue.keys ?? [])
        .map(
          (key) =>
            `${where}: ${tr.t('server.unknown_field', { name: key })}${didYouMean(key, names, tr)} ${tr.t('server.known_fields', { names: names.join(', ') })}`,
        )
        .join('\n');
    }
    case 'invalid_union':
      return `${where}: ${secretSourceProblem(issue, tr)}`;
    case 'invalid_value': {
      const allowed = (issue.values ?? []).map(String);
      return `${where}: ${tr.t('server.not_one_of', { found: found(issue.input, secret, tr), allowed: allowed.join(', ') })}${typeof issue.input === 'string' ? didYouMean(issue.input, allowed, tr) : ''}`;
    }
    case 'too_big':
    case 'too_small': {
      const bound = String(issue.code === 'too_big' ? issue.maximum : issue.minimum);
      if (issue.origin === 'string' && issue.code === 'too_small') return `${where}: ${tr.t('server.empty')}`;
      const key = issue.code === 'too_big' ? 'server.at_most' : 'server.at_least';
      return `${where}: ${tr.t(key, { bound, found: found(issue.input, secret, tr) })}`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

/** `{env: NAME}` or `{file: PATH}` went wrong: a key written inline, both, or a misspelled field. */
function secretSourceProblem(issue: Issue, tr: Translator): string {
  const input = issue.input;
  if (typeof input === 'string' || typeof input === 'number') return tr.t('server.inline_secret');
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const keys = Object.keys(input);
    if (keys.includes('env') && keys.includes('file')) return tr.t('server.secret_both');
    const stray = keys.find((key) => key !== 'env' && key !== 'file');
    if (stray !== undefined)
      return `${tr.t('server.unknown_field', { name: stray })}${didYouMean(stray, ['env', 'file'], tr)} ${tr.t('server.secret_shape')}`;
  }
  return tr.t('server.secret_shape');
}

/** A profile's provider and options against the catalogue; each problem names its field. */
export function providerProblems(
  where: string,
  provider: string,
  options: Readonly<Record<string, unknown>> | undefined,
  tr: Translator,
): string[] {
  if (!isProviderId(provider)) {
    return [
      `${where}.provider: ${tr.t('server.unknown_provider', { found: JSON.stringify(provider), allowed: PROVIDER_IDS.join(', ') })}${didYouMean(provider, PROVIDER_IDS, tr)}`,
    ];
  }
  const specs = PROVIDERS[provider].catalogue.options;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(options ?? {})) {
    const spec = specs.find((each) => each.name === name);
    const at = `${where}.options.${name}`;
    if (!spec) {
      const names = specs.map((each) => each.name);
      problems.push(
        `${where}.options: ${tr.t('server.unknown_option', { name, provider })}${didYouMean(name, names, tr)} ${tr.t('server.known_fields', { names: names.join(', ') || '-' })}`,
      );
    } else if (spec.kind === 'choice' && !spec.choices.includes(String(value))) {
      problems.push(
        `${at}: ${tr.t('server.not_one_of', { found: found(value, false, tr), allowed: spec.choices.join(', ') })}${typeof value === 'string' ? didYouMean(value, spec.choices, tr) : ''}`,
      );
    } else if (
      spec.kind === 'integer' &&
      (!Number.isInteger(value) || Number(value) < spec.min || Number(value) > spec.max)
    ) {
      problems.push(
        `${at}: ${tr.t('server.integer_between', { min: spec.min, max: spec.max, found: found(value, false, tr) })}`,
      );
    } else if (spec.kind === 'text' && (typeof value !== 'string' || value.length > spec.maxLength)) {
      problems.push(`${at}: ${tr.t('server.text_up_to', { max: spec.maxLength, found: found(value, false, tr) })}`);
    }
  }
  return problems;
}
