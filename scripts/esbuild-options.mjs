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

/**
 * conf's optional features TokenTray never uses, replaced by stand-ins that throw if ever
 * reached: schema validation (ajv) and migrations (semver); and the Redis client's optional
 * native hash (@node-rs/xxhash); the proxy agent's optional Kerberos login. See scripts/stubs/.
 */
const unusedConfFeatures = {
  name: 'unused-conf-features',
  setup(build) {
    const stub = (name) => () => ({ path: join(root, 'scripts/stubs', name) });
    build.onResolve({ filter: /^ajv(-formats)?(\/.*)?$/ }, stub('unused-ajv.mjs'));
    // Only conf's: electron-updater needs the real semver to compare versions.
    build.onResolve({ filter: /^semver$/ }, (args) =>
      /[\\/]node_modules[\\/]conf[\\/]/.test(args.importer) ? stub('unused-semver.mjs')() : undefined,
    );
    // The Redis client's optional native hash, needed only by a helper TokenTray never calls.
    build.onResolve({ filter: /^@node-rs\/xxhash$/ }, stub('unused-xxhash.mjs'));
    // https-proxy-agent's optional Negotiate (Kerberos) proxy login, never switched on.
    build.onResolve({ filter: /^kerberos$/ }, stub('unused-kerberos.mjs'));
  },
};

/**
 * The main process: ESM with its dependencies inside; only Electron stays outside. start.js turns
 * on the compile cache and loads the rest; what start-up does not need (got, node-cron,
 * cron-parser, electron-log) is split into chunks loaded when first used.
 */
export function mainOptions(dev) {
  return {
    ...common(dev),
    // lazy-probe: never loaded by the app; the boot tests load every lazy package through it.
    entryPoints: ['main/start.ts', 'main/index.ts', 'main/lazy-probe.ts'],
    outdir: 'dist/main',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    format: 'esm',
    external: ['electron'],
    plugins: [unusedConfFeatures],
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

/**
 * The `tokentray` CLI: one ESM file with no runtime dependencies (only Node built-ins), run by
 * Node 22 or newer from a checkout (`npx tokentray`), a global install, or the installers.
 */
export function cliOptions(dev) {
  return {
    ...common(dev),
    entryPoints: ['main/cli/tokentray.ts'],
    outfile: 'dist/cli/tokentray.mjs',
    format: 'esm',
    banner: { js: '#!/usr/bin/env node' },
  };
}

/**
 * `tokentray-server`: the engine, the API and their dependencies (Redis client, prom-client,
 * yaml) in one ESM file that Node 22+ runs with nothing installed beside it (see Dockerfile).
 */
export function serverOptions(dev) {
  return {
    ...common(dev),
    // lazy-probe.mjs: never run by the server; the tests load every lazy package through it.
    entryPoints: ['main/server/tokentray-server.ts', 'main/core/lazy-probe.ts'],
    outdir: 'dist/server',
    entryNames: '[name]',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    plugins: [unusedConfFeatures],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __ttCreateRequire } from 'node:module'; const require = __ttCreateRequire(import.meta.url);",
    },
  };
}
