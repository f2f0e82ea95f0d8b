import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/** SQLite's own threshold: a checkpoint once the log holds 1,000 pages not yet copied back. */
const CHECKPOINT_FRAMES = 1_000;
/** A log that could not be reset (a reader held it) is not checkpointed again sooner than this. */
const MIN_INTERVAL_MS = 200;
/** The worker ends after this long without a checkpoint; a quiet hub keeps no thread for it. */
const IDLE_MS = 60_000;

// The worker: its own connection to the store, a passive checkpoint on each request. Inline
// CommonJS, so the same code runs from the TypeScript sources and from the compiled hub.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 5000');
parentPort.on('message', () => {
  try {
    parentPort.postMessage({ done: db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() });
  } catch (err) {
    parentPort.postMessage({ error: err.message });
  }
});
`;

/**
 * Moves the store's checkpoints (copying the write-ahead log back into the database, with two
 * fsyncs) off the event loop. SQLite runs them inside the commit that fills the log, and under a
 * burst of ratings that commit held the event loop for 10–25 ms. Here the hub's connection never
 * checkpoints; after each group commit it reads how many pages the log holds that are not yet
 * copied back, and from 1,000 on a worker thread checkpoints on a connection of its own while the
 * hub goes on committing. The count is read from the log's index (the `-shm` file), whose header
 * SQLite documents (https://www.sqlite.org/walformat.html): `mxFrame` at byte 16, `nBackfill` at
 * byte 96, in the machine's byte order.
 */
export class Checkpointer {
  readonly #db: DatabaseSync;
  #path: string | undefined;
  readonly #log: Logger;
  #shmFd: number | undefined;
  readonly #header = Buffer.alloc(100);
  #worker: Worker | undefined;
  #running = false;
  #lastEndedAt = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(db: DatabaseSync, log: Logger) {
    this.#db = db;
    this.#log = log;
    this.#path = db.location() ?? undefined;
    if (!this.#path) return; // an in-memory store has no log
    db.exec('PRAGMA wal_autocheckpoint = 0');
  }

  /** Call after a commit: starts a checkpoint in the background when the log is due one. */
  committed(): void {
    if (!this.#path || this.#running) return;
    if (performance.now() - this.#lastEndedAt < MIN_INTERVAL_MS) return;
    try {
      if (this.#framesToCopy() < CHECKPOINT_FRAMES) return;
      this.#running = true;
      clearTimeout(this.#idleTimer);
      this.#workerFor(this.#path).postMessage('checkpoint');
    } catch (err) {
      this.#fallBack(err);
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.#idleTimer);
    // Taken out before it ends, so a commit meanwhile starts a new worker, not a dying one.
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
    if (this.#shmFd !== undefined) closeSync(this.#shmFd);
    this.#shmFd = undefined;
  }

  /** Pages in the log not yet copied back into the database. */
  #framesToCopy(): number {
    // The index lives as long as the hub's connection; it is opened after the first commit made it.
    this.#shmFd ??= openSync(`${this.#path}-shm`, 'r');
    readSync(this.#shmFd, this.#header, 0, 100, 0);
    const read = (offset: number) =>
      endianness() === 'LE' ? this.#header.readUInt32LE(offset) : this.#header.readUInt32BE(offset);
    return read(16) - read(96);
  }

  #workerFor(path: string): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { path },
      // None of the hub's flags or loaders: the worker only runs SQLite.
      execArgv: [],
      // A bound, not a reservation: it uses ~5 MiB, and 8 ran out under a loaded machine's late GC.
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2 },
    });
    worker.unref();
    worker.on(
      'message',
      (answer: { done?: { busy: number; log: number; checkpointed: number }; error?: string }) => {
        // Not all copied (a reader held part of the log): the next commit past the threshold tries again.
        if (answer.done && answer.done.checkpointed < answer.done.log)
          this.#log.debug(answer.done, 'store checkpoint incomplete');
        if (answer.error)
          this.#log.warn({ err: answer.error }, 'store checkpoint failed; the next commit tries again');
        this.#ended();
      },
    );
    worker.on('error', (err) => this.#fallBack(err));
    // Ended with a request unanswered (stopped while it ran): the next commit asks again.
    worker.on('exit', () => {
      if (this.#worker === worker || this.#worker === undefined) this.#running = false;
    });
    this.#worker = worker;
    return worker;
  }

  /** Whatever went wrong, the log must not grow without end: SQLite checkpoints in the commits again. */
  #fallBack(err: unknown): void {
    this.#log.error(
      { err },
      'store checkpoints off the event loop failed; the hub checkpoints in its commits again',
    );
    this.#path = undefined;
    this.#running = false;
    if (this.#db.isOpen) this.#db.exec('PRAGMA wal_autocheckpoint = 1000');
    void this.stop();
  }

  #ended(): void {
    this.#running = false;
    this.#lastEndedAt = performance.now();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => void this.stop(), IDLE_MS).unref();
  }
}
