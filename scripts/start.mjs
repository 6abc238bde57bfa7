// `npm start`: checks that Electron's binary is there, builds, and runs the app with it. Without
// the binary (it is downloaded by electron's install script, which fails offline or where GitHub
// is blocked) it says so plainly, before building, instead of Electron's own installer error.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const electron = join(root, 'node_modules', 'electron');

/** Where electron's own index.js would find the binary, without its download-on-miss. */
function electronBinary() {
  const pathFile = join(electron, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : undefined;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
    return existsSync(binary) ? binary : undefined;
  }
  const binary = name && join(electron, 'dist', name);
  return binary && existsSync(binary) ? binary : undefined;
}

const zh = /^zh/i.test(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '');
const MISSING = zh
  ? `无法启动 TokenTray：Electron 的程序文件不在 node_modules/electron 中。
它在 npm ci 时从 GitHub 下载；没有网络或 GitHub 被屏蔽时，下载会失败（ELECTRON_SKIP_BINARY_DOWNLOAD 也会跳过它）。
  · 使用镜像重新下载：ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ node node_modules/electron/install.js
  · 或使用本机已有的 Electron：ELECTRON_OVERRIDE_DIST_PATH=<包含 electron 可执行文件的目录> npm start
命令行工具和服务器不需要 Electron：npm run build 之后可用 node dist/cli/tokentray.mjs --help，或者 npm run server。`
  : `TokenTray cannot start: Electron's binary is not in node_modules/electron.
It is downloaded from GitHub during npm ci; without a network, or where GitHub is blocked, that download fails (ELECTRON_SKIP_BINARY_DOWNLOAD skips it too).
  · Download it again through a mirror: ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ node node_modules/electron/install.js
  · Or use an Electron you already have: ELECTRON_OVERRIDE_DIST_PATH=<folder holding the electron executable> npm start
The CLI and the server work without Electron: after npm run build, node dist/cli/tokentray.mjs --help, or npm run server.`;

if (!existsSync(join(electron, 'package.json'))) {
  process.stderr.write(
    `${zh ? '未安装依赖：请先运行 npm ci。' : 'Dependencies are not installed: run npm ci first.'}\n`,
  );
  process.exit(1);
}
if (!electronBinary()) {
  process.stderr.write(`${MISSING}\n`);
  process.exit(1);
}
const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
// Electron's own launcher: it forwards signals and the exit code.
const app = spawn(process.execPath, [join(electron, 'cli.js'), root, ...process.argv.slice(2)], { stdio: 'inherit' });
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
