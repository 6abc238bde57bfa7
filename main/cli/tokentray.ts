/**
 * `tokentray`: a thin client of the running TokenTray app (see run.ts). One bundled file with no
 * runtime dependencies: dist/cli/tokentray.mjs, declared as the package's `bin`.
 */
import { homedir } from 'node:os';
import pkg from '../../package.json' with { type: 'json' };
import { runCli } from './run.ts';
import { runCommand } from './run-command.ts';

// `tokentray token x | head -c 0`: a closed pipe is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  platform: process.platform,
  home: homedir(),
  version: pkg.version,
  now: Date.now,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  run: runCommand,
}).catch((error: unknown) => {
  process.stderr.write(`tokentray: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
process.exitCode = code;
