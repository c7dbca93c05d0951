import { defineConfig } from 'vitest/config';

// The container image test alone (scripts/image.sh test): it needs the built image, podman (or docker),
// the harness binaries and TEST_DATABASE_URL, so `pnpm test` leaves it out (vitest.config.ts).
export default defineConfig({
  test: {
    include: ['test/image/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
