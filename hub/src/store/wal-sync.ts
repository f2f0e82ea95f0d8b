import { open } from 'node:fs/promises';
import type { DatabaseSync } from 'node:sqlite';

/**
 * Makes group commits durable off the event loop. SQLite with `synchronous = FULL` calls fdatasync
 * on the write-ahead log inside COMMIT, and the event loop waits for the disk (1–2 ms here, far
 * more on a Pi's SD card) with every batch. A batch is committed with `synchronous = NORMAL`
 * instead, which writes its frames to the log without waiting, and its answers wait for an
 * fdatasync of the log on libuv's thread pool. The log's frames are checksummed: a crash keeps
 * every transaction whose frames were synced and drops the rest, which is what FULL gives.
 */
export class WalSync {
  readonly #walPath: string | undefined;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(db: DatabaseSync) {
    const file = db.location();
    // An in-memory store has no log to sync.
    this.#walPath = file ? `${file}-wal` : undefined;
  }

  /** Resolves once everything committed before the call is on disk; rejects if the sync failed. */
  durable(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#sync().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    // The sync under way may have started before this commit: the next one covers it, and every
    // commit that comes while this one runs shares it.
    this.#next ??= this.#running
      .catch(() => {})
      .then(() => {
        this.#next = undefined;
        return this.durable();
      });
    return this.#next;
  }

  async #sync(): Promise<void> {
    if (!this.#walPath) return;
    // Opened each time: SQLite may delete and recreate the log when the last connection closes.
    const log = await open(this.#walPath, 'r').catch((err: NodeJS.ErrnoException) => {
      // No log: the last connection closed, and closing checkpointed it into the synced database.
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!log) return;
    try {
      await log.datasync();
    } finally {
      await log.close();
    }
  }
}
