import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // No test may depend on an idle machine: a poll waits generously (a busy 2-core CI machine can
    // take seconds for what takes milliseconds here), and asserts what happened, not how fast.
    expect: { poll: { timeout: 10_000 } },
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/support/generous-waits.ts'],
  },
});
