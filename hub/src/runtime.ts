/**
 * How the hub's Node runs, wherever it is started: `npm start`, the systemd unit
 * (docs/operations.md), the Docker image, the tests and the benches. They cannot all import this
 * file (package.json and the Dockerfile say it again); tests/docs.test.ts holds them to it.
 *
 * - V8's young generation grows to 16 MiB semi-spaces under a burst and keeps them: 4 MiB cut the
 *   peak under the ingest bench by ~40 MiB and the idle memory by ~13 MiB, at no measured cost.
 * - V8 lets the old generation grow to about three times what survived the last full collection
 *   before the next one; under a sustained burst that took the hub past 250 MiB. 1.5 times keeps
 *   it under 200 MiB at 20,000 ratings/s, and the collections it adds are incremental.
 * - glibc gives every libuv thread its own malloc arena, and scrypt's 4 MiB blocks stay in them:
 *   two arenas cut the idle memory by another ~12 MiB (docs/benchmarks.md).
 */
export const HUB_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50'] as const;
export const HUB_ENV = { MALLOC_ARENA_MAX: '2' } as const;
