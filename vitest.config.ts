import { defineConfig } from 'vitest/config';

// Unit tests run on the packages' TypeScript sources (the `@locusta/source` export condition);
// process tests in test/ start the built CLI.
export default defineConfig({
  resolve: { conditions: ['@locusta/source'] },
  ssr: { resolve: { conditions: ['@locusta/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
