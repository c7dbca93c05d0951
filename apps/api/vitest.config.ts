import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The container image test runs against a built image: scripts/image.sh test (vitest.image.config.ts).
    exclude: [...configDefaults.exclude, 'test/image/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    // Each file gets its own database (a copy of a migrated template), so files run in parallel safely.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
