import type { LogFunctions, LogMessage } from 'electron-log';
import type { Logger } from './core/index.ts';
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
