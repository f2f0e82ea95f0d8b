import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../hub/src/store/index.ts';
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
  old.close();
}

describe('store migrations', () => {
  it('keeps every event and rating, and rewrites the waiting points as line protocol in order', () => {
    storeFromBefore();
    const db = openStore(path);
    try {
      expect(outboxPoints(db)).toEqual([point(0), point(1)]);
      expect(db.prepare('SELECT seq FROM events ORDER BY seq').all()).toEqual([{ seq: 0 }, { seq: 1 }]);
      expect(db.prepare('SELECT seq, time_ms FROM ratings ORDER BY time_ms').all()).toEqual([
        { seq: 0, time_ms: point(0).timeMs },
        { seq: 1, time_ms: point(1).timeMs },
      ]);
      // An event's identity is still unique: the same one again is ignored.
      const again = db
        .prepare(
          "INSERT OR IGNORE INTO events (device, boot, seq, type, body, received_at) VALUES ('btn-1', 'boot0001', 1, 'rating', '{}', '')",
        )
        .run();
      expect(again.changes).toBe(0);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'outbox_rows'").all()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
