import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration suites start real brokers and KDF-heavy logins; two cores are shared.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // No test hub starts Node-RED unless its test says so (tests/flows.test.ts): port 1880 is one.
    env: { TT_FLOWS: 'off' },
    projects: [
      {
        extends: true,
        test: { name: 'suites', include: ['tests/**/*.test.ts'], exclude: ['tests/**/*.alone.test.ts'] },
      },
      // A suite that keeps a core busy on purpose (a flow looping for a minute) runs after the
      // others, alone: the timing of the loudspeakers' tests must not pay for it.
      {
        extends: true,
        test: { name: 'alone', include: ['tests/**/*.alone.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
