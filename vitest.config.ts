import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The slow files are real-time calls that mostly wait on the wall clock (load stays under 1 with one
    // worker), so three workers on 2 cores overlap them: test/telephony + test/e2e took 7.9 min instead of
    // ~18 serially, with the same per-file times. AIZUCHI_TEST_WORKERS overrides.
    maxWorkers: Number(process.env.AIZUCHI_TEST_WORKERS ?? 3),
  },
});
