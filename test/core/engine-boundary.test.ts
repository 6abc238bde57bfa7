import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '../../main/core');
const CONTRACT = join(import.meta.dirname, '../../main/contract');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('the engine boundary', () => {
  it('lets nothing under main/core import electron, electron-store or the shell (only the shared contract)', () => {
    const files = sourceFiles(CORE);
    expect(files.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3] ?? '';
        const target = join(file, '..', specifier);
        const shell = specifier.startsWith('.') && !target.startsWith(CORE) && !target.startsWith(CONTRACT);
        if (/^electron(?:-store|-log)?(?:\/|$)/.test(specifier) || shell) {
          offenders.push(`${relative(CORE, file)} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
