import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HubError } from '../errors.ts';
import { MIGRATIONS } from './migrations.ts';

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
    transaction(db, () => {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}

/** Run `work` in one transaction: all of it is committed or none of it. */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  // Inside a transaction already open (a group commit), a savepoint: all of `work` or none of it.
  const nested = db.isTransaction;
  db.exec(nested ? 'SAVEPOINT nested' : 'BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec(nested ? 'RELEASE nested' : 'COMMIT');
    return result;
  } catch (err) {
    if (nested) {
      db.exec('ROLLBACK TO nested');
      db.exec('RELEASE nested');
    } else if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Changes whenever another connection (e.g. the CLI) commits to the store. */
export function dataVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA data_version').get() as { data_version: number }).data_version);
}
