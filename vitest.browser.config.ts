// `npm run test:browser`: opens generated report.html files in headless Chromium (playwright-core,
// system /usr/bin/chromium). Kept apart from `npm test`, which must not need a browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser at a time is plenty and keeps a small CI machine responsive.
    fileParallelism: false,
  },
});
