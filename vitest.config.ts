import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file owns a whole database (and, on the embedded default, a whole PGlite): two at a time fit 2 cores.
    maxWorkers: 2,
  },
});
