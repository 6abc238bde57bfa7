import type { Logger } from '../core/index.ts';
import type { Redactor } from '../logging/log-redaction.ts';

/**
 * One JSON object per line on stdout (journald, Docker and log shippers read it as it is), every
 * line through the same redaction as the desktop's log file.
 */
export function createJsonLogger(
  redactor: Redactor,
  write: (line: string) => void = (line) => process.stdout.write(line),
) {
  const line = (level: string) => (message: string, details?: Record<string, unknown>) => {
    const entry = {
      time: new Date().toISOString(),
      level,
      msg: redactor.redactText(message),
      ...(details ? (redactor.redactValue(details) as Record<string, unknown>) : {}),
    };
    write(`${JSON.stringify(entry)}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') } satisfies Logger;
}
