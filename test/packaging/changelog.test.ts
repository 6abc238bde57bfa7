import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/browser-harness.ts';

const check = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts/changelog-check.mjs'), ...args], { encoding: 'utf8' });

describe('the changelog check the release workflow runs', () => {
  it('passes for the version in package.json, tag form included', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(check().status).toBe(0);
    expect(check(`v${version}`).status).toBe(0);
  });

  it('refuses a version the changelog says nothing about', () => {
    const result = check('v9.9.9');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHANGELOG.md has no section "## [9.9.9] - <date>"');
  });
});
