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

const reasonOf = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
};

/**
 * Group commit for a store that is written whole. `commit()` resolves once a write that includes
 * everything changed so far is on disk. Changes made in the same turn of the event loop share one
 * write, and because a write blocks the loop, everything that completes during it shares the next:
 * a burst of a thousand refreshes costs a handful of writes, not a thousand.
 *
 * A failed write rejects the commits it carried, keeps the state dirty, and is retried with
 * backoff; `issue()` describes the failure until a write works again. Nothing is dropped and
 * nothing is thrown from a timer.
 */
export function createStoreWriter(options: StoreWriterOptions) {
  const retryBase = options.retryMs ?? 1_000;
  const retryMax = options.maxRetryMs ?? 60_000;
  let waiting: { resolve(): void; reject(error: StoreWriteError): void }[] = [];
  let scheduled: ReturnType<typeof setImmediate> | undefined;
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
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (!dirty && waiting.length === 0) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    const batch = waiting;
    waiting = [];
    dirty = false;
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

  return {
    /** Resolves when everything changed so far is on disk; rejects with StoreWriteError when that write failed. */
    commit(): Promise<void> {
      dirty = true;
      const done = new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
      scheduled ??= setImmediate(run);
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
