import { chmodSync, existsSync } from 'node:fs';
import type { LevelOption, LogFunctions, LogMessage, NodeLogger } from 'electron-log';
import type { Logger } from '../core/index.ts';
import type { Redactor } from './log-redaction.ts';

/** The slice of an electron-log instance (main or node build) this module uses. */
export interface ElectronLogLike extends LogFunctions {
  hooks: ((message: LogMessage) => LogMessage | false)[];
}

/**
 * Puts the redaction step in front of every electron-log transport and adapts the instance to
 * the engine's Logger port.
 */
export function createAppLogger(log: ElectronLogLike, redactor: Redactor): Logger {
  log.hooks.push((message) => ({ ...message, data: message.data.map((item) => redactor.redactValue(item)) }));
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (text: string, details?: Record<string, unknown>) =>
    details === undefined ? log[level](text) : log[level](text, details);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Lines kept while electron-log loads; a start that logs more than this keeps the latest. */
const MAX_WAITING = 500;

/**
 * A Logger that works from the first line while electron-log itself loads after start-up: lines
 * wait, in order, and are written once `start()` has loaded it. `start()` is also the way to make
 * sure every line is written before the process ends.
 */
export function createDeferredLogger(load: () => Promise<ElectronLogLike>, redactor: Redactor) {
  let real: Logger | undefined;
  let loading: Promise<void> | undefined;
  const waiting: [Level, string, Record<string, unknown> | undefined][] = [];
  const write = (level: Level) => (text: string, details?: Record<string, unknown>) => {
    if (real) {
      real[level]?.(text, details);
      return;
    }
    waiting.push([level, text, details]);
    if (waiting.length > MAX_WAITING) waiting.shift();
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    /** Loads electron-log and writes what waited; later calls share the first. */
    start(): Promise<void> {
      loading ??= load().then((log) => {
        const ready = createAppLogger(log, redactor);
        for (const [level, text, details] of waiting.splice(0)) ready[level]?.(text, details);
        real = ready;
      });
      return loading;
    },
  };
}

/** Owner read and write only: the log names profiles and hosts, and is nobody else's business. */
export const LOG_FILE_MODE = 0o600;

/**
 * Sends electron-log's node build to one file, created 0600 (electron-log's default is 0666 less
 * the umask), and tightens a file an earlier version left readable by others. Every transport is
 * given its level here, so nothing depends on NODE_ENV or ELECTRON_IS_DEV, and none of them talks
 * to another process (the node build registers no IPC, unlike electron-log/main).
 */
export function configureLogFile(log: NodeLogger, options: { file: string; console: LevelOption }): void {
  const { file } = log.transports;
  file.resolvePathFn = () => options.file;
  file.writeOptions = { flag: 'a', mode: LOG_FILE_MODE, encoding: 'utf8' };
  file.level = 'info';
  log.transports.console.level = options.console;
  // The node build has no IPC transport (undefined); the remote one must stay off either way.
  for (const name of ['ipc', 'remote'] as const) {
    const transport = log.transports[name] as { level: LevelOption } | undefined;
    if (transport) transport.level = false;
  }
  // Rotation renames main.log to main.old.log, which keeps the mode it had.
  for (const path of [options.file, options.file.replace(/\.log$/, '.old.log')]) {
    if (existsSync(path)) chmodSync(path, LOG_FILE_MODE);
  }
}
