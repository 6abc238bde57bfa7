import { performance } from 'node:perf_hooks';
import type { Logger, StoreIssue } from './types.ts';

/** A write of the store failed: the change was not saved. Carries the system's code, never a path's content. */
export class StoreWriteError extends Error {
  readonly code = 'store_write_failed';
  /** The system error code (ENOSPC, EACCES, EISDIR...), when there was one. */
  readonly reason: string;
  constructor(reason: string) {
    super(`The data could not be saved (${reason}).`);
    this.name = 'StoreWriteError';
    this.reason = reason;
  }
}

export interface StoreWriterOptions {
  /** Writes the whole current state; throws when the disk refuses. */
  write(): void;
  /** Called when writing starts failing or works again, so the user can be told. */
  onHealthChange(): void;
  logger: Logger;
  /** First retry after a failed write; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

export type StoreWriter = ReturnType<typeof createStoreWriter>;

/** However slow writes get, a change waits at most this long for company before it is written. */
const MAX_BATCH_WAIT_MS = 100;

const reasonOf = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
};

/**
 * Group commit for a store that is written whole. `commit()` resolves once a write that includes
 * everything changed so far is on disk. Changes made in the same turn of the event loop share one
 * write, and while writes are busy the next one waits twice as long as the last took, collecting
 * what arrives meanwhile: a burst of a thousand refreshes costs a few dozen writes, not a thousand.
 *
 * A failed write rejects the commits it carried, keeps the state dirty, and is retried with
 * backoff; `issue()` describes the failure until a write works again. Nothing is dropped and
 * nothing is thrown from a timer.
 */
export function createStoreWriter(options: StoreWriterOptions) {
  const retryBase = options.retryMs ?? 1_000;
  const retryMax = options.maxRetryMs ?? 60_000;
  let waiting: { resolve(): void; reject(error: StoreWriteError): void }[] = [];
  let scheduled: { cancel(): void } | undefined;
  /** When the last write ended, how long it took and how many commits it carried. */
  let lastEnd = 0;
  let lastDuration = 0;
  let lastBatch = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  let failures = 0;
  /** Timed retries since the last good write: the backoff grows with these, not with user actions. */
  let retries = 0;
  let failure: StoreIssue | undefined;

  function retry(): void {
    retries += 1;
    run();
  }

  function run(): void {
    scheduled?.cancel();
    scheduled = undefined;
    if (!dirty && waiting.length === 0) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    const batch = waiting;
    waiting = [];
    dirty = false;
    const started = performance.now();
    try {
      options.write();
    } catch (error) {
      dirty = true;
      failures += 1;
      const reason = reasonOf(error);
      const wasHealthy = failure === undefined;
      failure = { kind: 'write_failed', detail: reason };
      options.logger.error('store write failed', { reason, failures });
      const delay = Math.min(retryBase * 2 ** Math.min(retries, 16), retryMax);
      retryTimer = setTimeout(retry, delay);
      retryTimer.unref?.();
      if (wasHealthy) options.onHealthChange();
      for (const waiter of batch) waiter.reject(new StoreWriteError(reason));
      return;
    }
    lastEnd = performance.now();
    lastDuration = lastEnd - started;
    lastBatch = batch.length;
    const recovered = failure !== undefined;
    failures = 0;
    retries = 0;
    failure = undefined;
    if (recovered) {
      options.logger.info('store writes work again');
      options.onHealthChange();
    }
    for (const waiter of batch) waiter.resolve();
  }

  /**
   * The next write: after this turn of the event loop, so changes made together share it. In a
   * burst (the last write carried several commits), no sooner than two writes' duration after the
   * last ended: writing then takes at most about a third of the time however fast changes arrive.
   * One change after another (a user at the form) is written at once.
   */
  function schedule(): { cancel(): void } {
    const busy = lastBatch > 1;
    const wait = busy ? Math.min(lastEnd + 2 * lastDuration - performance.now(), MAX_BATCH_WAIT_MS) : 0;
    if (wait <= 0) {
      const immediate = setImmediate(run);
      return { cancel: () => clearImmediate(immediate) };
    }
    const timer = setTimeout(run, wait);
    return { cancel: () => clearTimeout(timer) };
  }

  return {
    /** Resolves when everything changed so far is on disk; rejects with StoreWriteError when that write failed. */
    commit(): Promise<void> {
      dirty = true;
      const done = new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
      scheduled ??= schedule();
      return done;
    },
    /** Writes now if anything is pending (quit); a failure is logged and reported, not thrown. */
    flush(): void {
      run();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
    /** The current write failure, shown to the user until a write works again. */
    issue: (): StoreIssue | undefined => failure,
  };
}
