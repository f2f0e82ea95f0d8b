import { openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/** SQLite's own threshold: a checkpoint once the log holds 1,000 pages not yet copied back. */
const CHECKPOINT_FRAMES = 1_000;
/** A log that could not be reset (a reader held it) is not checkpointed again sooner than this. */
const MIN_INTERVAL_MS = 200;
/** A log this long (16 MiB of 4 KiB pages) is caught up while commits wait (see `holding`). */
const MAX_LOG_FRAMES = 4_000;
/** Commits wait no longer than this for a catch-up, whatever the worker is doing. */
const MAX_HOLD_MS = 1_000;
/** A catch-up that could not copy all of the log (something wrote meanwhile) tries again after this. */
const RETRY_MS = 20;
/** After a catch-up that did not finish (a reader holds the log), commits are not held for this long. */
const HOLD_PAUSE_MS = 10_000;
/** The worker ends after this long without a checkpoint; a quiet hub keeps no thread for it. */
const IDLE_MS = 60_000;

// The worker: its own connection to the store, a passive checkpoint on each request. Inline
// CommonJS, so the same code runs from the TypeScript sources and from the compiled hub.
// After a catch-up that copied the whole log, the worker also makes the first write of the log
// started again (the schema's version written unchanged): SQLite syncs a restarted log's header
// in that write, and here the sync holds the worker, not the hub's event loop.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 5000');
parentPort.on('message', (order) => {
  try {
    const done = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
    if (order === 'catch-up' && done.log > 0 && done.checkpointed >= done.log) {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.exec('PRAGMA user_version = ' + Number(db.prepare('PRAGMA user_version').get().user_version));
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    }
    parentPort.postMessage({ done });
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
 *
 * Under a steady stream of commits a checkpoint never copies the whole log: pages are added while
 * it copies, so SQLite never starts the log again from its beginning, and the log grew through a
 * burst (to 161 MB over 100,000 ratings): disk a Pi's card may not have, every commit making the
 * file longer, and all of it read again after a power cut. Once the log holds `MAX_LOG_FRAMES`,
 * commits are `holding` until a checkpoint has copied all of it and the worker has started the log
 * again from its beginning, in a file that no longer grows; at most `MAX_HOLD_MS`, and after a
 * hold that could not finish (a reader in another connection keeps the log) not again for
 * `HOLD_PAUSE_MS`.
 */
export class Checkpointer {
  readonly #db: DatabaseSync;
  #path: string | undefined;
  readonly #log: Logger;
  /** The worker failed and SQLite checkpoints in the hub's own commits again. */
  #inCommits = false;
  #shmFd: number | undefined;
  readonly #header = Buffer.alloc(100);
  #worker: Worker | undefined;
  #running = false;
  /** Whether the checkpoint running is a catch-up (asked while `holding`). */
  #catchingUp = false;
  #lastEndedAt = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  /** Ends the wait of commits for the log to be caught up; undefined while they need not wait. */
  #holdTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Commits are not held again before this (performance.now()). */
  #noHoldBefore = 0;
  readonly #released: () => void;

  /** `released`: commits may go on again after `holding`. */
  constructor(db: DatabaseSync, log: Logger, released: () => void = () => {}) {
    this.#db = db;
    this.#log = log;
    this.#released = released;
    this.#path = db.location() ?? undefined;
    if (!this.#path) return; // an in-memory store has no log
    db.exec('PRAGMA wal_autocheckpoint = 0');
  }

  /**
   * Whether the hub's own commits checkpoint (only once the worker failed). Until then they never
   * do, and need no sync of their own for the database's sake: the worker syncs it.
   */
  get inCommits(): boolean {
    return this.#inCommits;
  }

  /** Whether commits should wait: the log is being caught up. Other work goes on meanwhile. */
  get holding(): boolean {
    return this.#holdTimer !== undefined;
  }

  /**
   * Whether a write transaction begun now starts the log again from its beginning: all of the log
   * was copied back (GroupCommit#begin). An empty log (just made) has no old frames to confuse.
   */
  logWouldRestart(): boolean {
    if (!this.#path) return false;
    try {
      const { frames, toCopy } = this.#index();
      return frames > 0 && toCopy === 0;
    } catch (err) {
      // Unknown: the hub's commits checkpoint again, and a batch starts the log at NORMAL.
      this.#fallBack(err);
      return true;
    }
  }

  /**
   * Have the worker start the log again, in a commit of its own that syncs the log's header off
   * the event loop, while commits wait (`holding`, at most `MAX_HOLD_MS`): whether it will. Not
   * while commits are not to be held (after a hold that could not finish).
   */
  restartLog(): boolean {
    if (!this.#path || this.holding || performance.now() < this.#noHoldBefore) return false;
    this.#holdTimer = setTimeout(() => this.#release(false), MAX_HOLD_MS);
    try {
      if (!this.#running) this.#checkpoint(this.#path);
      return true;
    } catch (err) {
      clearTimeout(this.#holdTimer);
      this.#holdTimer = undefined;
      this.#fallBack(err);
      return false;
    }
  }

  /** Call after a commit: starts a checkpoint in the background when the log is due one. */
  committed(): void {
    if (!this.#path) return;
    try {
      const { frames, toCopy } = this.#index();
      if (frames >= MAX_LOG_FRAMES && !this.holding && performance.now() >= this.#noHoldBefore) {
        this.#holdTimer = setTimeout(() => this.#release(false), MAX_HOLD_MS);
      }
      if (this.#running) return;
      if (
        !this.holding &&
        (toCopy < CHECKPOINT_FRAMES || performance.now() - this.#lastEndedAt < MIN_INTERVAL_MS)
      )
        return;
      this.#checkpoint(this.#path);
    } catch (err) {
      this.#fallBack(err);
    }
  }

  async stop(): Promise<void> {
    this.#release(true);
    clearTimeout(this.#idleTimer);
    // Taken out before it ends, so a commit meanwhile starts a new worker, not a dying one.
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  /** Pages in the log, and those of them not yet copied back into the database. */
  #index(): { frames: number; toCopy: number } {
    // Opened once the first commit made it, and never closed: closing any descriptor of a file
    // drops every POSIX lock this process holds on it, SQLite's among them, and another process
    // (the CLI) would then take the index for unused and build it again under the running hub.
    // The process's exit closes it.
    this.#shmFd ??= openSync(`${this.#path}-shm`, 'r');
    readSync(this.#shmFd, this.#header, 0, 100, 0);
    const read = (offset: number) =>
      endianness() === 'LE' ? this.#header.readUInt32LE(offset) : this.#header.readUInt32BE(offset);
    const frames = read(16);
    return { frames, toCopy: frames - read(96) };
  }

  #checkpoint(path: string): void {
    this.#running = true;
    this.#catchingUp = this.holding;
    clearTimeout(this.#idleTimer);
    this.#workerFor(path).postMessage(this.#catchingUp ? 'catch-up' : 'checkpoint');
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
        this.#ended(answer.done !== undefined && answer.done.checkpointed >= answer.done.log);
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
    this.#inCommits = true;
    if (this.#db.isOpen) this.#db.exec('PRAGMA wal_autocheckpoint = 1000');
    void this.stop();
  }

  /** A checkpoint answered; `whole`: it copied all of the log. */
  #ended(whole: boolean): void {
    this.#running = false;
    this.#lastEndedAt = performance.now();
    if (this.holding && this.#path && !(whole && this.#catchingUp)) {
      const path = this.#path;
      // Begun before the hold: catch up now (and let the worker start the log again).
      if (!this.#catchingUp) this.#checkpoint(path);
      // Something wrote meanwhile (a commit outside the batches, the writer's deletes), or a
      // reader holds the log: again shortly, until the hold's time is up.
      else
        this.#retryTimer = setTimeout(() => {
          if (this.holding && !this.#running) this.#checkpoint(path);
        }, RETRY_MS);
      return;
    }
    if (whole) this.#release(true);
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => void this.stop(), IDLE_MS).unref();
  }

  /** Commits may go on; `caughtUp`: the log was copied and started again, else not held for a while. */
  #release(caughtUp: boolean): void {
    if (!this.holding) return;
    clearTimeout(this.#holdTimer);
    clearTimeout(this.#retryTimer);
    this.#holdTimer = undefined;
    if (!caughtUp) this.#noHoldBefore = performance.now() + HOLD_PAUSE_MS;
    this.#released();
  }
}
