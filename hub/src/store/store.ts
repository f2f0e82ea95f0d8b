import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HubError } from '../errors.ts';
import { MIGRATIONS } from './migrations.ts';
import { statement } from './statements.ts';

export type Store = DatabaseSync;

/**
 * Open (creating if needed) the hub's SQLite store and bring its schema up to date.
 * WAL lets the CLI and the running hub use the store at once; synchronous=FULL makes a commit
 * survive power loss, which is what a PUBACK promises (docs/protocol.md, delivery).
 */
export function openStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: DatabaseSync): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (current > MIGRATIONS.length) {
    throw new HubError(
      'TT_STORE_MIGRATION',
      `store is at version ${current}, newer than this hub (${MIGRATIONS.length}); upgrade the hub`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    const migration = MIGRATIONS[version]!;
    transaction(db, () => {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}

/**
 * Run `work` in one transaction: all of it is committed or none of it. Inside a transaction
 * already open (a group commit's batch), a savepoint of it: all of `work` or none of it. The
 * control statements are prepared once: compiling them per message showed in the profile.
 */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  const nested = db.isTransaction;
  statement(db, nested ? 'SAVEPOINT nested' : 'BEGIN IMMEDIATE').run();
  try {
    const result = work();
    statement(db, nested ? 'RELEASE nested' : 'COMMIT').run();
    return result;
  } catch (err) {
    if (nested) {
      statement(db, 'ROLLBACK TO nested').run();
      statement(db, 'RELEASE nested').run();
    } else if (db.isTransaction) statement(db, 'ROLLBACK').run();
    throw err;
  }
}

/**
 * Run `work` with commits that do not wait for the disk, for a group commit's batches, whose
 * durability comes from WalSync. `OFF` syncs nothing, not even the header of a log started again,
 * which GroupCommit must never let a commit do at OFF; `NORMAL` syncs that header, on the event
 * loop. The level is per connection and changes only between transactions, so `work` must leave
 * none open; every other commit stays FULL.
 */
export function withoutDiskWait<T>(db: DatabaseSync, work: () => T, level: 'NORMAL' | 'OFF'): T {
  statement(db, `PRAGMA synchronous = ${level}`).run();
  try {
    return work();
  } finally {
    statement(db, 'PRAGMA synchronous = FULL').run();
  }
}

/** Changes whenever another connection (e.g. the CLI) commits to the store. */
export function dataVersion(db: DatabaseSync): number {
  return Number((statement(db, 'PRAGMA data_version').get() as { data_version: number }).data_version);
}
