import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../../main/cli/completion.ts';
import { runCli } from '../../../main/cli/run.ts';

/**
 * The completion scripts, loaded into real bash, zsh and fish and asked what they offer for a
 * line, as a user pressing TAB would: every command, global options before the command, options
 * only where the parser takes them, and profile names listed with the same --url / --data-dir /
 * --secret-file (a `tokentray` stub records how it was asked, and names two profiles).
 */
const dir = mkdtempSync(join(tmpdir(), 'tokentray-completion-'));
const asked = join(dir, 'asked');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

function bash(line: string): string[] {
  const script = `tokentray() { local IFS=' '; printf '%s\\n' "$*" >> '${asked}'; printf 'ERNIE dev\\nOther\\n'; }
${completionScript.bash}
COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; _tokentray; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return lines(spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8' }).stdout);
}

/** zsh: the line's words as compsys would give them; compadd's candidates, filtered by the current word. */
function zsh(line: string): string[] {
  const words = line.split(' ');
  const current = words.at(-1) ?? '';
  const script = `tokentray() { print -r -- "$*" >> '${asked}'; print -l 'ERNIE dev' Other; }
compdef() {}
_files() { print -r -- '<files>'; }
compadd() { if [[ $1 == -a ]]; then print -rl -- "\${(@P)2}"; else shift; print -rl -- "$@"; fi; }
${completionScript.zsh}
words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _tokentray`;
  const out = lines(spawnSync('zsh', ['-f', '-c', script], { encoding: 'utf8' }).stdout);
  return out.filter((candidate) => candidate.startsWith(current) || candidate === '<files>');
}

function fish(line: string): string[] {
  const script = `function tokentray; echo "$argv" >> '${asked}'; printf 'ERNIE dev\\nOther\\n'; end
${completionScript.fish}
complete -C ${JSON.stringify(line)}`;
  const out = spawnSync('fish', ['--no-config', '-c', script], { encoding: 'utf8' });
  return lines(out.stdout).map((candidate) => candidate.split('\t')[0] ?? '');
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

const shells = { bash, zsh, fish };
const cases: { line: string; includes: string[]; excludes?: string[] }[] = [
  { line: 'tokentray ', includes: ['list', 'status', 'token', 'exec', 'refresh', 'gateway', 'completion'] },
  { line: 'tokentray --', includes: ['--url', '--secret-file', '--data-dir', '--help'] },
  { line: 'tokentray list --', includes: ['--json', '--names'], excludes: ['--format', '--rejected'] },
  { line: 'tokentray status --', includes: ['--json'], excludes: ['--names', '--format'] },
  { line: 'tokentray token ER', includes: ['ERNIE dev'], excludes: ['Other'] },
  { line: 'tokentray token x --', includes: ['--format', '--shell'], excludes: ['--json', '--rejected'] },
  { line: 'tokentray token x --format ', includes: ['raw', 'header', 'query', 'curl', 'powershell', 'json', 'env'] },
  { line: 'tokentray token x --shell ', includes: ['sh', 'powershell'], excludes: ['raw'] },
  { line: 'tokentray exec ', includes: ['ERNIE dev', 'Other'] },
  { line: 'tokentray refresh x --', includes: ['--rejected'], excludes: ['--format', '--json'] },
  { line: 'tokentray gateway ', includes: ['ERNIE dev', 'Other'] },
  { line: 'tokentray gateway x --', includes: ['--json'], excludes: ['--names', '--format'] },
  { line: 'tokentray completion ', includes: ['bash', 'zsh', 'fish', 'powershell'] },
  { line: 'tokentray --url http://127.0.0.1:8765 token ', includes: ['ERNIE dev', 'Other'], excludes: ['list'] },
  {
    line: 'tokentray --secret-file /tmp/s --url https://tokens.example:8765 refresh ER',
    includes: ['ERNIE dev'],
  },
];

describe.each(Object.entries(shells))('%s completion', (shell, complete) => {
  it.skipIf(!has(shell))('offers what each command takes, with global options before the command', () => {
    for (const { line, includes, excludes = [] } of cases) {
      const offered = complete(line);
      for (const candidate of includes) expect(offered, `${shell}: "${line}"`).toContain(candidate);
      for (const candidate of excludes) expect(offered, `${shell}: "${line}"`).not.toContain(candidate);
    }
  });

  it.skipIf(!has(shell))('lists profile names with the same server and secret as the line', () => {
    writeFileSync(asked, '');
    complete('tokentray --url http://127.0.0.1:8765 --secret-file /tmp/s token ');
    expect(lines(readFileSync(asked, 'utf8'))).toEqual([
      '--url http://127.0.0.1:8765 --secret-file /tmp/s list --names',
    ]);
  });
});

describe('completion and the parser', () => {
  it('never offers an option the parser refuses for that command', async () => {
    const commands = ['list', 'status', 'token', 'exec', 'refresh', 'gateway', 'completion'];
    for (const command of commands) {
      for (const option of bash(`tokentray ${command} x --`).filter((o) => o !== '--help')) {
        let stderr = '';
        await runCli({
          argv: [command, option, '--help'],
          env: { LANG: 'en_US.UTF-8' },
          platform: process.platform,
          home: dir,
          version: '0',
          now: Date.now,
          stdout: () => undefined,
          stderr: (text) => {
            stderr += text;
          },
          run: async () => 0,
        });
        expect(stderr, `${command} ${option}`).not.toContain('Unknown option');
      }
    }
  });
});
