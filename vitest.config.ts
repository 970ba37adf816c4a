import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests run on the packages' TypeScript sources (the `@locusta/source` export condition);
// process tests in test/ start the built CLI.
//
// Most process tests spend their time waiting on the processes they start (a run of a few
// seconds, a worker that reconnects), so they run three files at a time even on two cores.
// The files listed in SERIAL run after the others, one at a time, on a machine nothing else is
// loading: they judge the machine itself (whether the client ran out of CPU, where a rate sweep
// finds its knee), need a core of their own (3,000 fuzzed frames against a 60 s limit), count
// what a run of two seconds got done, place requests around a moment of the run (a reset, a
// stop), or stand network namespaces in for hosts.
const SERIAL = [
  'test/client-health.test.ts',
  'test/open-workload.test.ts',
  'test/sweep.test.ts',
  'test/master-fuzz.test.ts',
  'test/llm-tokens.test.ts',
  'test/warmup.test.ts',
  'test/launchers.test.ts',
  'test/multi-host.test.ts',
];

const shared = {
  resolve: { conditions: ['@locusta/source'] },
  ssr: { resolve: { conditions: ['@locusta/source'] } },
};
const timeouts = { testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'parallel',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SERIAL],
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
          ...timeouts,
        },
      },
      {
        ...shared,
        test: { name: 'serial', include: SERIAL, maxWorkers: 1, sequence: { groupOrder: 1 }, ...timeouts },
      },
    ],
  },
});
