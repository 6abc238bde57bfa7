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
  // Minified for release (smaller asar, faster parse); names kept so logged errors stay readable.
  minify: !dev,
  keepNames: true,
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
  // Dependencies are bundled (tree-shaken): the asar then holds no node_modules, which keeps it
  // small and start-up fast. Only Electron itself stays outside.
  external: ['electron'],
  // Bundled CommonJS packages still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __ttCreateRequire } from 'node:module'; const require = __ttCreateRequire(import.meta.url);",
  },
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
