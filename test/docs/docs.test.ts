import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_OPTIONS, GLOBAL_VALUE_OPTIONS, OPTIONS, type OptionName } from '../../main/cli/commands.ts';
import { ROOT } from '../support/browser-harness.ts';

/**
 * The README and docs/ stay true: every relative link (and its #anchor) leads somewhere, every
 * repository path named in code exists, every `npm run X` is a script, and every `tokentray`
 * command and option shown is one the built CLI accepts (`tokentray-server` options likewise).
 */
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`)];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
/** Links GitHub resolves against the repository's page, not a file. */
const SITE_LINKS = new Set(['../../releases']);

/** The text outside fenced code blocks, and the fenced blocks' lines. */
function split(text: string): { prose: string; code: string[] } {
  const prose: string[] = [];
  const code: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    else (fenced ? code : prose).push(line);
  }
  return { prose: prose.join('\n'), code };
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const line of split(text).prose.split('\n')) {
    const heading = /^#{1,6} (.+)$/.exec(line)?.[1];
    if (!heading) continue;
    const base = heading
      .replace(/[`*]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

/** Inline code spans of the prose, and the lines of fenced blocks. */
function codeOf(text: string): string[] {
  const { prose, code } = split(text);
  return [...[...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? ''), ...code];
}

describe('the documentation', () => {
  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      const text = read(doc);
      for (const [, target = ''] of split(text).prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target) || SITE_LINKS.has(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), decodeURIComponent(path));
        if (!file.startsWith(ROOT) || !existsSync(file)) {
          broken.push(`${doc}: ${target}`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${doc}: ${target} (no such heading in ${relative(ROOT, file)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('names only repository paths that exist', () => {
    const missing: string[] = [];
    const pathLike = /^(?:\.ci|\.github|assets|bench|deploy|docs|main|renderer|scripts|test|dist)\/[\w./-]*$/;
    for (const doc of DOCS) {
      for (const span of codeOf(read(doc))) {
        for (const word of span.split(/[\s"'(),:;=]+/)) {
          const path = word.replace(/[.,]$/, '');
          if (pathLike.test(path) && !existsSync(join(ROOT, path))) missing.push(`${doc}: ${path}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('runs only npm scripts that exist', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const unknown: string[] = [];
    for (const doc of DOCS) {
      for (const [, name = ''] of read(doc).matchAll(/npm run ([\w:-]+)/g)) {
        if (!scripts.includes(name)) unknown.push(`${doc}: npm run ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('shows only tokentray commands and options the built CLI accepts', () => {
    const commands = Object.keys(COMMAND_OPTIONS);
    const uses = new Map<string, string>();
    for (const doc of DOCS) {
      for (const line of codeOf(read(doc))) {
        for (const match of line.matchAll(/(?<![\w./-])tokentray(?=\s)([^|;&#)`]*)/g)) {
          // An invocation: first on the line (after a prompt, variables, npx) or after $( | && ;
          const before = line.slice(0, match.index).trimEnd();
          const invoked =
            /^(?:\$\s*)?(?:[A-Z_]+=\S+\s+)*(?:npx)?$/.test(before) || /(?:\$\(|\||&&|;|\bnpx)$/.test(before);
          if (!invoked) continue;
          const rest = match[1] ?? '';
          const words = rest.replace(/[[\]]/g, ' ').trim().split(/\s+/);
          let command: string | undefined;
          const flags: string[] = [];
          for (let i = 0; i < words.length; i++) {
            const word = words[i] ?? '';
            if (word === '--') break;
            if (word.startsWith('--')) {
              const name = word.slice(2).split('=')[0] ?? '';
              flags.push(`--${name}`);
              if ((GLOBAL_VALUE_OPTIONS as readonly string[]).includes(name) && !word.includes('=')) i++;
            } else if (word.startsWith('-')) flags.push(word);
            else if (command === undefined) command = word;
          }
          if (command === undefined || !/^[a-z]+$/.test(command)) continue;
          uses.set(`${command} ${flags.join(' ')}`.trim(), doc);
          if (!commands.includes(command)) uses.set(`unknown command ${command}`, doc);
        }
      }
    }
    expect(uses.size).toBeGreaterThan(10);
    const refused: string[] = [];
    for (const [use, doc] of uses) {
      const [command = '', ...flags] = use.split(' ');
      if (use.startsWith('unknown command')) {
        refused.push(`${doc}: ${use}`);
        continue;
      }
      const args = [command];
      for (const flag of flags) {
        const name = flag.replace(/^--?/, '');
        const option = OPTIONS[name as OptionName] as { type: string } | undefined;
        args.push(flag.startsWith('--') ? `--${name}` : flag);
        if (option?.type === 'string') args.push(name === 'url' ? 'http://127.0.0.1:9' : 'value');
      }
      const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli/tokentray.mjs'), ...args, '--help'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8' },
      });
      if (run.status !== 0) refused.push(`${doc}: tokentray ${use} (${run.stderr.trim()})`);
    }
    expect(refused).toEqual([]);
  });

  it('shows only tokentray-server options it has', () => {
    const help = spawnSync(process.execPath, [join(ROOT, 'dist/server/tokentray-server.mjs'), '--help'], {
      encoding: 'utf8',
    }).stdout;
    const unknown: string[] = [];
    for (const doc of DOCS) {
      for (const line of codeOf(read(doc))) {
        for (const [, rest = ''] of line.matchAll(/tokentray-server(?:\.mjs)?((?:\s+--[\w-]+(?:\s+[^-\s]\S*)?)+)/g)) {
          for (const [flag] of rest.matchAll(/--[\w-]+/g)) if (!help.includes(flag)) unknown.push(`${doc}: ${flag}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
