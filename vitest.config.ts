import { defineConfig } from 'vitest/config';

// Two projects, run one after the other (sequence.groupOrder): everything else in parallel first,
// then test/alone/, one file at a time with nothing beside it: the tests that judge this machine's
// load (the harness verdict idle, and beside CPU burners that would disturb any test next to them).
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // Browser tests need Chromium; they run with `npm run test:browser` (vitest.browser.config.ts).
          exclude: ['**/node_modules/**', 'test/browser/**', 'test/alone/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ['test/alone/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
