import { defineConfig } from 'vitest/config';

// The end-to-end suite: real images in a real Docker engine (`npm run test:docker`, as root).
export default defineConfig({
  test: {
    include: ['docker/test/**/*.test.ts'],
    globalSetup: ['docker/test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    // Each test starts containers; two cores are shared between files.
    maxWorkers: 2,
  },
});
