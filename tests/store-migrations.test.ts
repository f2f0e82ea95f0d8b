import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventIdentities } from '../hub/src/ingest/identities.ts';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore, transaction } from '../hub/src/store/index.ts';
import { MIGRATIONS } from '../hub/src/store/migrations.ts';
import { outboxPoints } from './helpers/outbox-points.ts';

// A hub upgraded over a store it wrote before keeps every event, rating and waiting point.

const point = (seq: number) => ({
  measurement: 'rating',
  tags: { site: 'xa-tan-lap', desk: 'quay-1', device: 'btn-1', officer: 'none', misuse: 'false' },
  fields: { score: 4, scale: 4, satisfied: 1, unsatisfied: 0, seq, boot: 'boot0001', misuse_reason: '' },
  timeMs: 1_700_000_000_000 + seq,
});

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tt-migrations-'));
  path = join(dir, 'hub.sqlite');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store as the hub left it before the outbox held line protocol (its first rewriting migration). */
function storeFromBefore(): void {
  const old = new DatabaseSync(path);
  const before = MIGRATIONS.findIndex((m) => typeof m === 'function');
  for (const migration of MIGRATIONS.slice(0, before)) old.exec(migration as string);
  old.exec(`PRAGMA user_version = ${before}`);
  const outbox = old.prepare('INSERT INTO outbox (measurement, tags, fields, time_ms) VALUES (?, ?, ?, ?)');
  for (const seq of [0, 1]) {
    const p = point(seq);
    outbox.run(p.measurement, JSON.stringify(p.tags), JSON.stringify(p.fields), p.timeMs);
    old
      .prepare('INSERT INTO events (device, boot, seq, type, body, received_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('btn-1', 'boot0001', seq, 'rating', JSON.stringify({ seq }), new Date(p.timeMs).toISOString());
    old
      .prepare(
        `INSERT INTO ratings (device, boot, seq, time_ms, desk, officer, score, scale, satisfied, unsatisfied, misuse)
           VALUES ('btn-1', 'boot0001', ?, ?, 'quay-1', 'none', 4, 4, 1, 0, '')`,
      )
      .run(seq, p.timeMs);
  }
  old
    .prepare('INSERT INTO rating_last_counted (device, time_ms) VALUES (?, ?)')
    .run('btn-1', point(1).timeMs);
  // Events of the same boot after a gap (seq 2 and 3 never came), and of another box.
  for (const [device, boot, seq] of [
    ['btn-1', 'boot0001', 4],
    ['btn-1', 'boot0001', 5],
    ['btn-2', 'boot0002', 7],
  ] as const) {
    old
      .prepare('INSERT INTO events (device, boot, seq, type, body, received_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(device, boot, seq, 'rating', JSON.stringify({ seq }), new Date(1_700_000_000_000).toISOString());
  }
  old.close();
}

/** Each boot's runs of seqs taken in, in the order the boots came. */
const runs = (db: DatabaseSync) =>
  db
    .prepare(
      'SELECT device, boot, first_seq, last_seq FROM event_runs JOIN event_boots ON id = boot_id ORDER BY id, first_seq',
    )
    .all();

describe('store migrations', () => {
  it('keeps every event and rating, and rewrites the waiting points as line protocol in order', () => {
    storeFromBefore();
    const db = openStore(path);
    try {
      expect(outboxPoints(db)).toEqual([point(0), point(1)]);
      expect(db.prepare('SELECT seq FROM events ORDER BY seq').all()).toEqual(
        [0, 1, 4, 5, 7].map((seq) => ({ seq })),
      );
      expect(db.prepare('SELECT seq, time_ms FROM ratings ORDER BY time_ms').all()).toEqual([
        { seq: 0, time_ms: point(0).timeMs },
        { seq: 1, time_ms: point(1).timeMs },
      ]);
      // Each boot's identities became runs of seqs; the same event again is a duplicate, and a
      // seq of a gap is new.
      expect(runs(db)).toEqual([
        { device: 'btn-1', boot: 'boot0001', first_seq: 0, last_seq: 1 },
        { device: 'btn-1', boot: 'boot0001', first_seq: 4, last_seq: 5 },
        { device: 'btn-2', boot: 'boot0002', first_seq: 7, last_seq: 7 },
      ]);
      const commits = new GroupCommit(db, createLogger('silent'));
      const identities = new EventIdentities(db, commits);
      const claim = (device: string, boot: string, seq: number) =>
        commits.now(() => identities.claim(device, boot, seq));
      expect([
        claim('btn-1', 'boot0001', 1),
        claim('btn-1', 'boot0001', 5),
        claim('btn-2', 'boot0002', 7),
      ]).toEqual([false, false, false]);
      expect([
        claim('btn-1', 'boot0001', 3),
        claim('btn-1', 'boot0001', 6),
        claim('btn-2', 'boot0003', 0),
      ]).toEqual([true, true, true]);
      // Each kept: 3 on its own (2 never came), 6 at the end of its run, the new boot's first.
      expect(runs(db)).toEqual([
        { device: 'btn-1', boot: 'boot0001', first_seq: 0, last_seq: 1 },
        { device: 'btn-1', boot: 'boot0001', first_seq: 3, last_seq: 3 },
        { device: 'btn-1', boot: 'boot0001', first_seq: 4, last_seq: 6 },
        { device: 'btn-2', boot: 'boot0002', first_seq: 7, last_seq: 7 },
        { device: 'btn-2', boot: 'boot0003', first_seq: 0, last_seq: 0 },
      ]);
      // Outside a unit of work nothing would be kept: refused.
      expect(() => transaction(db, () => identities.claim('btn-1', 'boot0001', 9))).toThrow(/unit of work/);
      // The box's last counted press, now keyed by the box alone.
      expect(db.prepare('SELECT device, time_ms FROM rating_last_counted').all()).toEqual([
        { device: 'btn-1', time_ms: point(1).timeMs },
      ]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'outbox_rows'").all()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
