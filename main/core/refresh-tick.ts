import { loadNodeCron } from './lazy-packages.ts';
import type { Logger } from './types.ts';

export const DEFAULT_TICK = '*/30 * * * * *';

/**
 * Calls `checkDue()` on a node-cron tick. node-cron skips runs that come late (sleep, a busy
 * loop), which is harmless: every tick compares absolute times, so a missed one costs nothing.
 * Never one long timer: Node clamps delays over 24.8 days.
 *
 * After a long sleep node-cron walks every missed slot before it ticks again (about 2.4 s of CPU
 * for 27 days of 30-second slots, measured under fake timers), so the shell calls `pause()` on suspend and
 * `resume()` on wake; `resume()` also checks at once instead of waiting for the next tick.
 */
export function startRefreshTick(
  service: { checkDue(): Promise<void> },
  options: { expression?: string; logger?: Logger; startWhen?: Promise<unknown> } = {},
): RefreshTick {
  const check = async () => {
    try {
      await service.checkDue();
    } catch (error) {
      options.logger?.error('due check failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
  };
  // node-cron is loaded after start-up (`startWhen`); the first tick is 30 s away anyway.
  let stopped = false;
  const task = Promise.resolve(options.startWhen)
    .then(loadNodeCron)
    .then(async ({ createTask }) => {
      const created = createTask(options.expression ?? DEFAULT_TICK, check, {
        name: 'tokentray-refresh',
        noOverlap: true,
        suppressMissedWarning: true,
      });
      if (!stopped) await created.start();
      return created;
    });
  return {
    ready: task.then(() => undefined),
    pause: async () => {
      await (await task).stop();
    },
    resume: async () => {
      if (stopped) return;
      await (await task).start();
      await check();
    },
    stop: async () => {
      stopped = true;
      await (await task).destroy();
    },
  };
}

export interface RefreshTick {
  /** Resolves once the schedule is running (node-cron is loaded lazily). */
  ready: Promise<void>;
  /** Stops ticking without forgetting the schedule (before the system sleeps). */
  pause(): Promise<void>;
  /** Ticks again and checks at once (after wake or unlock). */
  resume(): Promise<void>;
  /** Stops for good (quit). */
  stop(): Promise<void>;
}
