import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../hub/src/log.ts';
import { dataVersion, GroupCommit, openStore, type Store } from '../hub/src/store/index.ts';

// Group commit: what arrives together is committed together, and each message is answered only
// after the commit that holds it; failures withhold only the answers they concern.

let db: Store;
let commits: GroupCommit;
const rows = () => (db.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: number }>).map((r) => r.v);
const insert = (v: number) => () => {
  db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
};

beforeEach(() => {
  db = openStore(':memory:');
  db.exec('CREATE TABLE t (v INTEGER NOT NULL UNIQUE)');
  commits = new GroupCommit(db, createLogger('silent'));
});

afterEach(() => db.close());

/** Submit `work`, resolving with the error it was answered with (undefined: committed). */
const submit = (work: () => void) =>
  new Promise<Error | undefined>((resolve) => commits.submit(work, (err) => resolve(err)));

describe('group commit', () => {
  it('commits what arrives in one turn in one transaction, and answers each after that commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-group-'));
    const file = openStore(join(dir, 'hub.sqlite'));
    const reader = openStore(join(dir, 'hub.sqlite'));
    try {
      file.exec('CREATE TABLE t (v INTEGER NOT NULL UNIQUE)');
      // A batch's time limit is not what this test is about: a busy machine must not split it.
      const group = new GroupCommit(file, createLogger('silent'), { maxBatchMs: 60_000 });
      const before = dataVersion(reader);
      const answered: number[] = [];
      const pending = [1, 2, 3].map(
        (v) =>
          new Promise<void>((resolve) =>
            group.submit(
              () => {
                file.prepare('INSERT INTO t (v) VALUES (?)').run(v);
                // Nothing is answered, and another connection sees nothing, before the commit.
                expect(answered).toEqual([]);
                expect(reader.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 0 });
              },
              () => {
                answered.push(v);
                resolve();
              },
            ),
          ),
      );
      await Promise.all(pending);
      expect(answered).toEqual([1, 2, 3]);
      expect(reader.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3 });
      // Another connection saw one commit for the three messages.
      expect(dataVersion(reader) - before).toBe(1);
    } finally {
      file.close();
      reader.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a message that fails alone, with its error; the others of the batch commit', async () => {
    const [a, b, c] = await Promise.all([submit(insert(1)), submit(insert(1)), submit(insert(2))]);
    expect(a).toBeUndefined();
    expect(b?.message).toMatch(/UNIQUE/);
    expect(c).toBeUndefined();
    expect(rows()).toEqual([1, 2]);
  });

  it('runs the effects of committed messages only, after the commit', async () => {
    const effects: number[] = [];
    const work = (v: number, fail: boolean) => () => {
      insert(v)();
      commits.afterCommit(() => effects.push(v));
      if (fail) throw new Error(`message ${v} fails`);
    };
    await Promise.all([submit(work(1, false)), submit(work(2, true)), submit(work(3, false))]);
    expect(effects).toEqual([1, 3]);
  });

  it('tells every component of a rollback, even after one of them fails to forget', async () => {
    const told: string[] = [];
    commits.onRollback(() => {
      told.push('first');
      throw new Error('could not forget');
    });
    commits.onRollback(() => told.push('second'));
    expect(
      await submit(() => {
        throw new Error('the message fails');
      }),
    ).toHaveProperty('message', 'the message fails');
    // Once for the batch, once for the message run alone.
    expect(told).toEqual(['first', 'second', 'first', 'second']);
  });

  it('answers the whole batch with the error when the commit fails, and keeps nothing of it', async () => {
    // A deferred constraint fails only at COMMIT: the store itself refuses the batch.
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    db.exec('CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)');
    const results = await Promise.all([
      submit(insert(1)),
      submit(() => {
        db.prepare('INSERT INTO child (p) VALUES (42)').run();
      }),
    ]);
    expect(results.map((e) => e?.message)).toEqual([
      expect.stringMatching(/FOREIGN KEY/),
      expect.stringMatching(/FOREIGN KEY/),
    ]);
    expect(rows()).toEqual([]);
    // The next batch is fine again.
    expect(await submit(insert(5))).toBeUndefined();
    expect(rows()).toEqual([5]);
  });

  it('commits what is queued when it stops, and refuses what comes after', async () => {
    const queued = submit(insert(7));
    commits.stop();
    expect(rows()).toEqual([7]);
    expect(await queued).toBeUndefined();
    expect((await submit(insert(8)))?.message).toMatch(/closing/);
  });
});
