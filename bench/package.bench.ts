/**
 * Package benchmark: the size of app.asar in the unpacked Linux build (target: at most 3 MB),
 * and what is in it. Run: npm run bench:package (builds first). Prints figures; asserts nothing.
 */
import { rmSync, statSync } from 'node:fs';
import { listPackage, statFile } from '@electron/asar';
import { buildApp } from '../test/support/browser-harness.ts';
import { buildUnpackedLinux } from '../test/support/package-app.ts';

buildApp();
const built = await buildUnpackedLinux();
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const groups = new Map<string, number>();
for (const file of listPackage(built.asar, { isPack: false })) {
  const info = statFile(built.asar, file.slice(1), false) as { size?: number };
  if (typeof info.size !== 'number') continue;
  const group = file.split('/').slice(1, 3).join('/');
  groups.set(group, (groups.get(group) ?? 0) + info.size);
}
console.log(`TokenTray package benchmark (${new Date().toISOString().slice(0, 10)})`);
console.log(`  app.asar: ${kib(statSync(built.asar).size)} (target <= 3 MB)`);
for (const [group, size] of [...groups].sort((a, b) => b[1] - a[1]))
  console.log(`    ${group.padEnd(24)} ${kib(size)}`);
rmSync(built.workDir, { recursive: true, force: true });
