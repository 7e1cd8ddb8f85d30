import { defineConfig } from 'vitest/config';

// Two projects so each can run alone: `npm run test:unit` needs no database.
export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 180_000, // only bounds a hang: every wait names its event, and a busy 2-core machine is slow
          hookTimeout: 120_000,
          // Files run in parallel, each against its own database cloned from the migrated template.
          fileParallelism: true,
        },
      },
    ],
  },
});
