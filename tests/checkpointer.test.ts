import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore } from '../hub/src/store/index.ts';

// The store's checkpoints run on a worker thread, never inside the hub's commits.

type Store = { path: string; db: ReturnType<typeof openStore>; commits: GroupCommit; logged: unknown[] };

/** A store on disk with its group commit; whatever the checkpointer logs is kept in `logged`. */
async function withStore(test: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-checkpoint-'));
  const path = join(dir, 'hub.sqlite');
  const db = openStore(path);
  // Whatever the checkpointer logs is a failure here: it would have fallen back to SQLite's own.
  const logged: unknown[] = [];
  const log = createLogger('silent');
  log.warn = log.error = ((...args: unknown[]) => void logged.push(args)) as never;
  const commits = new GroupCommit(db, log);
  try {
    db.exec('CREATE TABLE t (v BLOB NOT NULL)');
    await test({ path, db, commits, logged });
  } finally {
    await commits.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('checkpoints', () => {
  it('copies the log back into the database from a worker once it holds 1,000 pages', () =>
    withStore(async ({ path, db, commits, logged }) => {
      // The hub's own connection never checkpoints: nothing reaches the database file by itself.
      expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 0 });
      const before = statSync(path).size;
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      // 1,200 pages of 4 KiB in 60 batches.
      for (let batch = 0; batch < 60; batch++) {
        await new Promise<void>((resolve, reject) =>
          commits.submit(
            () => {
              for (let i = 0; i < 20; i++) insert.run(Buffer.alloc(4000, batch));
            },
            (err) => (err ? reject(err) : resolve()),
          ),
        );
      }
      // What the log's index says, for the message if the checkpoint never comes.
      const index = () => {
        const header = readFileSync(`${path}-shm`).subarray(0, 100);
        return `mxFrame ${header.readUInt32LE(16)}, nBackfill ${header.readUInt32LE(96)}, logged ${JSON.stringify(logged)}`;
      };
      // The checkpointer acts after commits, as the hub keeps committing: one small one now and then.
      const ticker = setInterval(
        () =>
          commits.submit(
            () => insert.run(Buffer.alloc(10)),
            () => {},
          ),
        200,
      );
      await expect
        .poll(() => (logged.length > 0 ? Number.NaN : statSync(path).size), { timeout: 30_000, interval: 50 })
        .toBeGreaterThan(before + 4_000_000)
        .catch((err: Error) => {
          throw new Error(`${err.message} (${index()})`);
        })
        .finally(() => clearInterval(ticker));
      expect(db.prepare('SELECT COUNT(*) AS n FROM t WHERE length(v) = 4000').get()).toEqual({ n: 1200 });
      expect(logged).toEqual([]);
    }));

  it('keeps the log under 20 MB while commits never stop, and loses nothing', () =>
    withStore(async (store) => {
      const { largest } = await burst(store, 500);
      expect(largest).toBeLessThan(20_000_000);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 10_000 });
      expect(store.logged).toEqual([]);
    }));

  it('lets commits go on while a reader holds the log, holding them at most a second', () =>
    withStore(async (store) => {
      // Another connection in the middle of a read: no checkpoint can copy the log past it.
      const reader = new DatabaseSync(store.path);
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) AS n FROM t').get();
      try {
        const started = performance.now();
        const { slowestMs } = await burst(store, 300);
        // One hold that cannot finish ends at its second; then commits are not held for a while
        // (held again at every batch, the burst would take minutes).
        expect(slowestMs).toBeGreaterThan(900);
        expect(slowestMs).toBeLessThan(3_000);
        expect(performance.now() - started).toBeLessThan(10_000);
        expect(store.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 6_000 });
        expect(store.logged).toEqual([]);
      } finally {
        reader.exec('COMMIT');
        reader.close();
      }
    }));
});

/**
 * `batches` of 20 pages of 4 KiB each, four always in flight, so that a checkpoint never finds
 * the log idle: the log's largest size seen and the slowest batch.
 */
async function burst({ path, db, commits }: Store, batches: number) {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  let largest = 0;
  let slowestMs = 0;
  const batch = (n: number) => {
    const started = performance.now();
    return new Promise<void>((resolve, reject) =>
      commits.submit(
        () => {
          for (let i = 0; i < 20; i++) insert.run(Buffer.alloc(4000, n));
        },
        (err) => {
          largest = Math.max(largest, statSync(`${path}-wal`).size);
          slowestMs = Math.max(slowestMs, performance.now() - started);
          if (err) reject(err);
          else resolve();
        },
      ),
    );
  };
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; n < batches; n++) {
    const p = batch(n).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { largest, slowestMs };
}
