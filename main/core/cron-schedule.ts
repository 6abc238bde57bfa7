/**
 * Fixed refresh times (a profile's cron expression), read by cron-parser. It is loaded only when
 * a profile has a schedule or one is being entered, so start-up pays nothing for it otherwise;
 * the engine awaits loadCronParser() before it decides anything that depends on a schedule.
 */
import { loadCronParser as loadPackage } from './lazy-packages.ts';

type Parser = typeof import('cron-parser').CronExpressionParser;

let parser: Parser | undefined;

/** Loads cron-parser once; every later call resolves at once. */
export async function loadCronParser(): Promise<void> {
  parser ??= (await loadPackage()).CronExpressionParser;
}

/** Fixed refresh times are written in the user's wall-clock time, not UTC. */
const LOCAL_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The next `count` times after `after` a cron expression fires; undefined if it is invalid. */
export function nextCronRuns(expression: string, after: number, count: number): number[] | undefined | 'not-loaded' {
  if (!parser) return 'not-loaded';
  try {
    const parsed = parser.parse(expression, { currentDate: new Date(after), tz: LOCAL_TIME_ZONE });
    return Array.from({ length: count }, () => parsed.next().getTime());
  } catch {
    return undefined;
  }
}

/**
 * The next time after `after` that a cron expression fires, or undefined if it is invalid or
 * cron-parser is still loading (the engine emits again, and checks due refreshes, once it has).
 */
export function nextCronAt(expression: string, after: number): number | undefined {
  const runs = nextCronRuns(expression, after, 1);
  return Array.isArray(runs) ? runs[0] : undefined;
}
