import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real machines; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
    // In-process code logs nothing; tests that spawn the CLI set VMWATCH_LOG themselves.
    env: { VMWATCH_LOG: 'silent' },
  },
});
