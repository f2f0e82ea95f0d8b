import { closeSync, fdatasync, fsync, open } from 'node:fs';
import { dirname } from 'node:path';
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
  #fd: number | undefined;
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

  #sync(): Promise<void> {
    const path = this.#walPath;
    if (!path) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sync = (fd: number) => fdatasync(fd, (err) => (err ? reject(err) : resolve()));
      if (this.#fd !== undefined) return sync(this.#fd);
      // Kept open: the log is the same file for as long as the hub's connection is open. SQLite
      // made it at this start (it deletes it on a clean close) and syncs the directory that holds
      // it only in a sync of its own, which a batch's commit never makes: synced here, once.
      open(path, 'r', (err, fd) => {
        if (err) return reject(err);
        open(dirname(path), 'r', (dirErr, dir) => {
          if (dirErr) {
            closeSync(fd);
            return reject(dirErr);
          }
          fsync(dir, (syncErr) => {
            closeSync(dir);
            if (syncErr) {
              closeSync(fd);
              return reject(syncErr);
            }
            // Kept only once its directory is synced: a sync that failed is tried again next time.
            this.#fd = fd;
            sync(fd);
          });
        });
      });
    });
  }

  /** Let go of the log; the store is closing. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
