import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests next to the code (no I/O beyond loopback servers they start
// themselves), and integration tests that need the real Kafka broker and MySQL-compatible
// database. Only the integration project provisions infrastructure (see its globalSetup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/providers/*/src/**/*.test.ts',
            'packages/destinations/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/src/**/*.int.test.ts',
            'packages/providers/*/src/**/*.int.test.ts',
            'packages/destinations/*/src/**/*.int.test.ts',
            'services/*/src/**/*.int.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          globalSetup: ['packages/testkit/src/infra/global-setup.ts'],
          // Integration files share one broker and one database server; running them one
          // file at a time keeps a 2-core machine from starving the broker's JVM.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
