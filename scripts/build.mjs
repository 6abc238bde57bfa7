// Builds what Electron loads: the main process (ESM), the sandboxed preload (one self-contained
// CommonJS file) and the renderer (Vite); the `tokentray` CLI and `tokentray-server` (one ESM file each).
// Usage: node scripts/build.mjs [--dev]
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { cliOptions, mainOptions, preloadOptions, root, serverOptions } from './esbuild-options.mjs';

const dev = process.argv.includes('--dev');
rmSync(join(root, 'dist/main'), { recursive: true, force: true });
rmSync(join(root, 'dist/preload'), { recursive: true, force: true });
rmSync(join(root, 'dist/cli'), { recursive: true, force: true });
rmSync(join(root, 'dist/server'), { recursive: true, force: true });

await build(mainOptions(dev));
await build(preloadOptions(dev));
await build(cliOptions(dev));
chmodSync(join(root, 'dist/cli/tokentray.mjs'), 0o755);
await build(serverOptions(dev));
chmodSync(join(root, 'dist/server/tokentray-server.mjs'), 0o755);
if (existsSync(join(root, 'renderer/index.html'))) {
  await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}
console.log(`built dist/main, dist/preload, dist/cli, dist/server, dist/renderer${dev ? ' (dev)' : ''}`);
