import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore, type Store } from '../hub/src/store/index.ts';

// A group commit is answered only once its write-ahead log is synced to disk (store/wal-sync.ts):
// the sync is held here to see that no answer leaves before it, and failed to see that none leaves.

const syncs = vi.hoisted(() => ({
  held: [] as Array<(err: Error | null) => void>,
  hold: false,
  fail: undefined as Error | undefined,
  count: 0,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, callback: (err: Error | null) => void) => {
    syncs.count++;
    if (syncs.fail) return callback(syncs.fail);
    if (syncs.hold) return void syncs.held.push(callback);
    fs.fdatasync(fd, callback);
  };
  return { ...fs, default: { ...fs, fdatasync }, fdatasync };
});

let dir: string;
let db: Store;
let commits: GroupCommit;
/** The log's index, opened by a test that reads it; closed only after the store (see Checkpointer). */
let shm: number | undefined;

beforeEach(() => {
  Object.assign(syncs, { held: [], hold: false, fail: undefined, count: 0 });
  dir = mkdtempSync(join(tmpdir(), 'tt-wal-sync-'));
  db = openStore(join(dir, 'hub.sqlite'));
  db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
  commits = new GroupCommit(db, createLogger('silent'));
});

afterEach(() => {
  // Nothing left waiting on a held sync leaks into the next test.
  syncs.hold = false;
  for (const release of syncs.held.splice(0)) release(null);
  db.close();
  if (shm !== undefined) closeSync(shm);
  shm = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const submit = (v: number, answers: Array<[number, Error | undefined]>) =>
  new Promise<void>((resolve) =>
    commits.submit(
      () => {
        db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
      },
      (err) => {
        answers.push([v, err]);
        resolve();
      },
    ),
  );

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the sync of the log', () => {
  it('answers a batch only after its log is synced, and shares one sync among the batches that wait', async () => {
    syncs.hold = true;
    const answers: Array<[number, Error | undefined]> = [];
    const rows = () => db.prepare('SELECT COUNT(*) AS n FROM t').get();
    const first = [submit(1, answers), submit(2, answers)];
    await vi.waitFor(() => expect(syncs.held).toHaveLength(1));
    // Committed (another connection could read it) but not yet on disk: nobody is answered.
    expect(rows()).toEqual({ n: 2 });
    expect(answers).toEqual([]);
    const second = [submit(3, answers), submit(4, answers)];
    await vi.waitFor(() => expect(rows()).toEqual({ n: 4 }));
    await turn();
    expect(syncs.held).toHaveLength(1); // the second batch waits for a sync that starts after it
    expect(answers).toEqual([]);
    syncs.held.shift()!(null);
    await Promise.all(first);
    expect(answers).toEqual([
      [1, undefined],
      [2, undefined],
    ]);
    await vi.waitFor(() => expect(syncs.held).toHaveLength(1));
    syncs.held.shift()!(null);
    await Promise.all(second);
    expect(answers.map(([v]) => v)).toEqual([1, 2, 3, 4]);
  });

  it('answers every message of the batch with the error when the sync fails', async () => {
    syncs.fail = new Error('EIO: i/o error, fdatasync');
    const answers: Array<[number, Error | undefined]> = [];
    await Promise.all([submit(1, answers), submit(2, answers)]);
    expect(answers.map(([v, err]) => [v, err?.message])).toEqual([
      [1, 'EIO: i/o error, fdatasync'],
      [2, 'EIO: i/o error, fdatasync'],
    ]);
    expect(syncs.count).toBe(1);
  });

  it('commits a batch without a sync of its own (synchronous=OFF), and every other commit at FULL', async () => {
    let level: unknown;
    await new Promise((resolve) =>
      commits.submit(() => {
        level = db.prepare('PRAGMA synchronous').get();
      }, resolve),
    );
    // OFF: SQLite syncs nothing in the commit, not even a restarted log's header; WalSync syncs the log.
    expect(level).toEqual({ synchronous: 0 });
    expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 });
  });

  it('resolves durably once the batch that holds it is synced, and runs its effects then', async () => {
    syncs.hold = true;
    const effects: string[] = [];
    let resolved = false;
    const written = commits
      .durably(() => {
        db.prepare('INSERT INTO t (v) VALUES (?)').run(9);
        commits.afterCommit(() => effects.push('shown'));
        return 'kept';
      })
      .finally(() => {
        resolved = true;
      });
    // Committed with the next batch, but not yet on disk: not resolved, no effect.
    await vi.waitFor(() => expect(syncs.held).toHaveLength(1));
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    await turn();
    expect([resolved, effects]).toEqual([false, []]);
    syncs.held.shift()!(null);
    expect(await written).toBe('kept');
    expect(effects).toEqual(['shown']);
  });

  it('rejects durably with the error when the sync fails, and runs none of its effects', async () => {
    syncs.fail = new Error('EIO: i/o error, fdatasync');
    const effects: string[] = [];
    await expect(
      commits.durably(() => {
        db.prepare('INSERT INTO t (v) VALUES (?)').run(9);
        commits.afterCommit(() => effects.push('shown'));
      }),
    ).rejects.toThrow(/EIO/);
    expect(effects).toEqual([]);
  });

  it('never starts the log again in a commit that syncs nothing: the worker does, and the batch waits', async () => {
    const answers: Array<[number, Error | undefined]> = [];
    await Promise.all([submit(1, answers), submit(2, answers)]);
    // Another connection copies all of the log back: the next commit would start it again.
    const other = new DatabaseSync(join(dir, 'hub.sqlite'));
    const copied = other.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as {
      log: number;
      checkpointed: number;
    };
    other.close();
    expect(copied.log).toBeGreaterThan(0);
    expect(copied.checkpointed).toBe(copied.log);
    // The log's index (docs: https://www.sqlite.org/walformat.html): pages in it, and copied back.
    shm = openSync(join(dir, 'hub.sqlite-shm'), 'r');
    const header = Buffer.alloc(100);
    const index = () => {
      readSync(shm!, header, 0, 100, 0);
      return { frames: header.readUInt32LE(16), copied: header.readUInt32LE(96) };
    };
    let inside: unknown;
    await new Promise((resolve) =>
      commits.submit(() => {
        inside = { level: db.prepare('PRAGMA synchronous').get(), ...index() };
        db.prepare('INSERT INTO t (v) VALUES (3)').run();
      }, resolve),
    );
    // Inside the batch the log was already started again, by the worker's commit (its header synced
    // there), and holds only that commit's page: this batch appends to it at OFF.
    expect(inside).toEqual({ level: { synchronous: 0 }, frames: 1, copied: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3 });
  });
});
