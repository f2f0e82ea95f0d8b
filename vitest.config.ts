import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration suites start real brokers and KDF-heavy logins; two cores are shared.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // No test hub starts Node-RED unless its test says so (tests/flows.test.ts): port 1880 is one.
    env: { TT_FLOWS: 'off' },
  },
});
