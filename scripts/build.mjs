// Builds what Electron loads: the main process (ESM), the sandboxed preload (one self-contained
// CommonJS file) and the renderer (Vite). Usage: node scripts/build.mjs [--dev]
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: dev,
  logLevel: 'warning',
  absWorkingDir: root,
};

rmSync(join(root, 'dist/main'), { recursive: true, force: true });
rmSync(join(root, 'dist/preload'), { recursive: true, force: true });

await build({
  ...common,
  entryPoints: ['main/index.ts'],
  outfile: 'dist/main/index.js',
  format: 'esm',
  // Dependencies stay in node_modules (electron-builder packs the production ones into the asar).
  packages: 'external',
});

await build({
  ...common,
  entryPoints: ['main/preload.ts'],
  outfile: 'dist/preload/preload.cjs',
  format: 'cjs',
  // A sandboxed preload can require only 'electron' (and a few Node built-ins): bundle the rest.
  external: ['electron'],
});

const renderer = join(root, 'renderer/index.html');
try {
  const { build: viteBuild } = await import('vite');
  const { existsSync } = await import('node:fs');
  if (existsSync(renderer)) await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
} catch (error) {
  console.error('renderer build failed:', error);
  process.exit(1);
}
console.log(`built dist/main, dist/preload${dev ? ' (dev)' : ''}`);
