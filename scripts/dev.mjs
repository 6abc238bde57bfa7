// Development loop: Vite serves the renderer with hot reload, esbuild rebuilds main and preload
// on change, and Electron restarts when they change. Usage: npm run dev
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { context } from 'esbuild';
import { createServer } from 'vite';
import { mainOptions, preloadOptions, root } from './esbuild-options.mjs';

const renderer = await createServer({
  configFile: join(root, 'renderer/vite.config.ts'),
  server: { port: 5173, strictPort: true },
});
await renderer.listen();
const rendererUrl = renderer.resolvedUrls?.local[0] ?? 'http://localhost:5173/';

let electron;
function restartElectron() {
  electron?.kill();
  const binary = join(root, 'node_modules/.bin', process.platform === 'win32' ? 'electron.cmd' : 'electron');
  electron = spawn(binary, ['.'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TOKENTRAY_RENDERER_URL: rendererUrl },
  });
}

const restartOnBuild = {
  name: 'restart-electron',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length === 0) restartElectron();
    });
  },
};
for (const options of [mainOptions(true), preloadOptions(true)]) {
  const watcher = await context({ ...options, plugins: [restartOnBuild] });
  await watcher.watch();
}
console.log(`renderer on ${rendererUrl}; main and preload rebuild and restart Electron on change`);
