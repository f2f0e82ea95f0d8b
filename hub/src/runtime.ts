/**
 * How the hub's Node runs, wherever it is started: `npm start`, the systemd unit
 * (docs/operations.md), the Docker image, the tests and the benches. They cannot all import this
 * file (package.json and the Dockerfile say it again); tests/docs.test.ts holds them to it.
 *
 * - V8's young generation grows to 16 MiB semi-spaces under a burst and keeps them: 4 MiB cut the
 *   peak under the ingest bench by ~40 MiB and the idle memory by ~13 MiB. (16 MiB promotes far
 *   less under a burst, 27 MB against 127 over the bench, but it did not shorten the event loop's
 *   worst delay beyond the day's noise, and at a steady 1,000 ratings/s it made it longer.)
 * - V8 lets the old generation grow to about three times what survived the last full collection
 *   before the next one; under a sustained burst that took the hub past 250 MiB. 1.5 times keeps
 *   it under 200 MiB at 20,000 ratings/s, and the collections it adds are incremental.
 * - V8's helper threads for GC: two, not Node's four. On a board that also runs InfluxDB, four
 *   of them took the cores from the hub's main thread (perf sched: they, the disk syncs and
 *   influxd were what ran while it waited), and its longest turns got longer.
 * - glibc gives every libuv thread its own malloc arena: two arenas are enough. It also raises
 *   its threshold for mmap past each large block freed, after which scrypt's 4 MiB blocks stay in
 *   the heap once checked: a fixed threshold (glibc's default, 128 KiB) gives them back. Idle
 *   with 50 devices it took 112–128 MiB, by the order the checks ran in; now ~108.
 * docs/benchmarks.md has the runs behind each.
 */
export const HUB_NODE_FLAGS = [
  '--max-semi-space-size=4',
  '--heap-growing-percent=50',
  '--v8-pool-size=2',
] as const;
export const HUB_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;
