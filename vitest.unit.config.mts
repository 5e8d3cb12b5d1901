import { defineConfig } from 'vitest/config';

// The fast tier: pure modules, no root, no build, no processes (npm run test:unit).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
  },
});
