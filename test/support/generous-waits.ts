import { vi } from 'vitest';

/**
 * Every test file's setup: `vi.waitFor` waits up to 10 s unless a test says otherwise (its own
 * default is 1 s), like `expect.poll` in vitest.config.ts. A busy 2-core machine can take seconds
 * for what an idle one does in milliseconds; a wait asserts that something happens, not how fast.
 */
const waitFor = vi.waitFor;
vi.waitFor = ((callback, options) =>
  waitFor(callback, typeof options === 'number' ? options : { timeout: 10_000, ...options })) as typeof vi.waitFor;
