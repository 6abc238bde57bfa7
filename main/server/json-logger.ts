import type { Logger } from '../core/index.ts';
import type { Redactor } from '../logging/log-redaction.ts';

/**
 * One JSON object per line on stdout (journald, Docker and log shippers read it as it is), every
 * line through the same redaction as the desktop's log file. A line about a profile (`profile: id`)
 * also names it as the configuration does (`name`), so an operator can tell which one it is.
 */
export function createJsonLogger(
  redactor: Redactor,
  write: (line: string) => void = (line) => process.stdout.write(line),
  profileName: (id: string) => string | undefined = () => undefined,
) {
  /** The last name seen per id: a removed profile's line still names it. */
  const names = new Map<string, string>();
  const named = (details: Record<string, unknown>) => {
    const id = details.profile;
    if (typeof id !== 'string' || 'name' in details) return details;
    const name = profileName(id) ?? names.get(id);
    if (name === undefined) return details;
    names.set(id, name);
    return { ...details, name };
  };
  const line = (level: string) => (message: string, details?: Record<string, unknown>) => {
    const entry = {
      time: new Date().toISOString(),
      level,
      msg: redactor.redactText(message),
      ...(details ? (redactor.redactValue(named(details)) as Record<string, unknown>) : {}),
    };
    write(`${JSON.stringify(entry)}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') } satisfies Logger;
}
