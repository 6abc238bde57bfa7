// The esbuild settings for main and preload, shared by the build (scripts/build.mjs) and the
// development loop (scripts/dev.mjs) so both produce the same files.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function common(dev) {
  return {
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
}

/** The main process: one ESM bundle with its dependencies inside; only Electron stays outside. */
export function mainOptions(dev) {
  return {
    ...common(dev),
    entryPoints: ['main/index.ts'],
    outfile: 'dist/main/index.js',
    format: 'esm',
    external: ['electron'],
    // Bundled CommonJS packages still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __ttCreateRequire } from 'node:module'; const require = __ttCreateRequire(import.meta.url);",
    },
  };
}

/** The sandboxed preload: one CommonJS file that can require only 'electron'. */
export function preloadOptions(dev) {
  return {
    ...common(dev),
    entryPoints: ['main/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  };
}
