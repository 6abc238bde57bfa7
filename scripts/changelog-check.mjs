// Refuses a release whose version has no section in CHANGELOG.md. Usage:
//   node scripts/changelog-check.mjs [version]   (default: package.json's version; a leading v is dropped)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = (process.argv[2] ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version).replace(
  /^v/,
  '',
);
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
const heading = new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm');
const match = heading.exec(changelog);
const body = match
  ? changelog
      .slice(match.index + match[0].length)
      .split(/^## /m)[0]
      .trim()
  : '';
if (!match || body === '') {
  console.error(`CHANGELOG.md has no section "## [${version}] - <date>" with notes: add one before releasing.`);
  process.exit(1);
}
console.log(`CHANGELOG.md has notes for ${version}.`);
