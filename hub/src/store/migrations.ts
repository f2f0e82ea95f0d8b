import type { DatabaseSync } from 'node:sqlite';
import { toLine } from '../influx/line-protocol.ts';

/**
 * Schema of the hub's own durable state, one entry per version (PRAGMA user_version): SQL, or a
 * function where rows must be rewritten. Never edit a shipped migration: add the next one.
 */
export const MIGRATIONS: ReadonlyArray<string | ((db: DatabaseSync) => void)> = [
  `
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    desk TEXT,
    zone TEXT,
    secret_hash TEXT NOT NULL,
    -- bumped on rotate: live connections authenticated with an older secret are closed
    generation INTEGER NOT NULL DEFAULT 1,
    revoked_at TEXT,
    created_at TEXT NOT NULL,
    online INTEGER NOT NULL DEFAULT 0,
    boot TEXT,
    fw TEXT,
    last_seen_at TEXT,
    state_changed_at TEXT
  );
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  -- identity of every accepted event, forever (docs/protocol.md, events)
  CREATE TABLE events (
    device TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device, boot, seq)
  ) WITHOUT ROWID;
  -- points waiting for InfluxDB (docs/architecture.md, store and forward)
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    measurement TEXT NOT NULL,
    tags TEXT NOT NULL,
    fields TEXT NOT NULL,
    time_ms INTEGER NOT NULL
  );
  -- dead letters: what was refused and why, so that nothing a device sent is silently lost
  CREATE TABLE rejected (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    client TEXT,
    kind TEXT NOT NULL,
    topic TEXT,
    reason TEXT NOT NULL,
    payload BLOB
  );
  `,
  `
  -- the time of the last counted (unflagged) rating per box, for the repeat-interval flag
  CREATE TABLE rating_last_counted (
    device TEXT PRIMARY KEY,
    time_ms INTEGER NOT NULL
  );
  `,
  `
  -- every rating with its attribution, so the hub computes indicators without InfluxDB
  CREATE TABLE ratings (
    device TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    desk TEXT NOT NULL,
    officer TEXT NOT NULL,
    score INTEGER NOT NULL,
    scale INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    unsatisfied INTEGER NOT NULL,
    misuse TEXT NOT NULL,
    PRIMARY KEY (device, boot, seq)
  ) WITHOUT ROWID;
  CREATE INDEX ratings_by_time ON ratings (time_ms);
  `,
  `
  -- alerts for leaders, and who did what to each of them, when
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    desk TEXT,
    officer TEXT,
    raised_at TEXT NOT NULL,
    state TEXT NOT NULL,
    details TEXT NOT NULL
  );
  CREATE TABLE alert_history (
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    at TEXT NOT NULL,
    user_name TEXT,
    action TEXT NOT NULL,
    comment TEXT
  );
  CREATE INDEX alert_history_by_alert ON alert_history (alert_id);
  `,
  `
  -- each desk's presence timeline in event time: every sensor report, and every lapse into unknown
  -- (sensor offline); attendance and empty-desk alerts are computed from it (docs/presence.md)
  CREATE TABLE presence_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    desk TEXT NOT NULL,
    device TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    cause TEXT NOT NULL
  );
  CREATE INDEX presence_by_desk ON presence_changes (desk, time_ms);
  `,
  `
  -- the alert window counts a desk's counted ratings over the last hour at every press: a covering
  -- index on exactly that, instead of a scan over every rating in the time range
  CREATE INDEX ratings_counted_by_desk ON ratings (desk, time_ms, unsatisfied) WHERE misuse = '';
  `,
  /**
   * The outbox holds line protocol, the points of one transaction in one row: a row per point,
   * its JSON taken apart again by the writer, was a fifth of the cost of a rating under load. The
   * points waiting from before are rewritten in order, in rows of 1,000.
   */
  (db) => {
    db.exec(`
      ALTER TABLE outbox RENAME TO outbox_rows;
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        points INTEGER NOT NULL,
        lines TEXT NOT NULL
      );
    `);
    const insert = db.prepare('INSERT INTO outbox (points, lines) VALUES (?, ?)');
    let lines: string[] = [];
    const flush = () => {
      if (lines.length > 0) insert.run(lines.length, lines.join('\n'));
      lines = [];
    };
    const rows = db
      .prepare('SELECT measurement, tags, fields, time_ms FROM outbox_rows ORDER BY id')
      .iterate();
    for (const row of rows as Iterable<{
      measurement: string;
      tags: string;
      fields: string;
      time_ms: number;
    }>) {
      const { measurement, tags, fields, time_ms } = row;
      lines.push(
        toLine({ measurement, tags: JSON.parse(tags), fields: JSON.parse(fields), timeMs: Number(time_ms) }),
      );
      if (lines.length === 1_000) flush();
    }
    flush();
    db.exec('DROP TABLE outbox_rows');
  },
  `
  -- ratings kept in time order, the order they arrive in and are read in (indicators, the alert
  -- window): a batch of presses lands on the last pages instead of a page per box, and the time
  -- index is the table itself. Their identity is kept unique in events.
  CREATE TABLE ratings_in_time (
    device TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    desk TEXT NOT NULL,
    officer TEXT NOT NULL,
    score INTEGER NOT NULL,
    scale INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    unsatisfied INTEGER NOT NULL,
    misuse TEXT NOT NULL,
    PRIMARY KEY (time_ms, device, boot, seq)
  ) WITHOUT ROWID;
  INSERT INTO ratings_in_time SELECT device, boot, seq, time_ms, desk, officer, score, scale, satisfied, unsatisfied, misuse FROM ratings;
  DROP TABLE ratings;
  ALTER TABLE ratings_in_time RENAME TO ratings;
  `,
  `
  -- events in the order they arrive, their identity in a unique index beside: keyed by it, the
  -- whole event was written into a page per box in every batch
  CREATE TABLE events_in_order (
    device TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL
  );
  INSERT INTO events_in_order SELECT device, boot, seq, type, body, received_at FROM events ORDER BY received_at;
  DROP TABLE events;
  ALTER TABLE events_in_order RENAME TO events;
  CREATE UNIQUE INDEX events_identity ON events (device, boot, seq);
  `,
  `
  -- the radio's programs (chương trình phát thanh) and every step of their approval, with who and when
  CREATE TABLE programs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    tier TEXT NOT NULL,
    zones TEXT NOT NULL,
    duration_s REAL NOT NULL,
    volume INTEGER NOT NULL,
    schedule TEXT NOT NULL,
    state TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE program_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    comment TEXT
  );
  CREATE INDEX program_history_by_program ON program_history (program_id);
  `,
  `
  -- uploaded audio for the radio, kept by its sha256 under TT_DATA_DIR/assets
  CREATE TABLE assets (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    codec TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    file TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- A program says what it airs (content), who approved it when, and whether it was written to
  -- override its tier. No hub wrote programs before (they had no route): the tables start anew.
  DROP TABLE program_history;
  DROP TABLE programs;
  CREATE TABLE programs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    tier TEXT NOT NULL,
    zones TEXT NOT NULL,
    content TEXT NOT NULL,
    duration_s REAL NOT NULL,
    volume INTEGER NOT NULL,
    schedule TEXT NOT NULL,
    overrides INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    approved_at TEXT
  );
  CREATE TABLE program_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    comment TEXT
  );
  CREATE INDEX program_history_by_program ON program_history (program_id);
  -- The on-air engine: every play it sent a speaker, every ack to one, and how each airing ended
  -- on each speaker (nhật ký phát).
  CREATE TABLE radio_plays (
    id TEXT NOT NULL,
    speaker TEXT NOT NULL,
    program INTEGER NOT NULL,
    zone TEXT NOT NULL,
    airing_start_ms INTEGER NOT NULL,
    airing_end_ms INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    offset_ms INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    stopped INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id, speaker)
  ) WITHOUT ROWID;
  CREATE INDEX radio_plays_by_end ON radio_plays (end_ms);
  CREATE INDEX radio_plays_by_airing ON radio_plays (program, airing_start_ms, speaker);
  CREATE TABLE radio_acks (
    play TEXT NOT NULL,
    speaker TEXT NOT NULL,
    status TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    started_at_ms INTEGER,
    error TEXT
  );
  CREATE INDEX radio_acks_by_play ON radio_acks (play, speaker);
  CREATE TABLE play_log (
    program INTEGER NOT NULL,
    airing_start_ms INTEGER NOT NULL,
    speaker TEXT NOT NULL,
    zone TEXT NOT NULL,
    tier TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    offset_ms INTEGER,
    played_s REAL NOT NULL,
    error TEXT,
    logged_at TEXT NOT NULL,
    PRIMARY KEY (program, airing_start_ms, speaker)
  ) WITHOUT ROWID;
  CREATE INDEX play_log_by_time ON play_log (airing_start_ms);
  CREATE TABLE radio_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
  // A device's last telemetry, for the technicians' device page.
  `
  ALTER TABLE devices ADD COLUMN telemetry TEXT;
  ALTER TABLE devices ADD COLUMN telemetry_at TEXT;
  `,
  // Integration clients: read-only MQTT credentials for the hub's event stream (docs/protocol.md).
  `
  CREATE TABLE integrations (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 1,
    revoked_at TEXT,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // What the admin allows a flow (a Node-RED tab, by its id, of one flows user) to announce:
  // without approval, emergencies.
  `
  CREATE TABLE flow_allowances (
    user_name TEXT NOT NULL,
    flow TEXT NOT NULL,
    name TEXT,
    skip_approval INTEGER NOT NULL DEFAULT 0,
    emergency INTEGER NOT NULL DEFAULT 0,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (user_name, flow)
  ) WITHOUT ROWID;
  `,
  // A desk's alerts that are not resolved: every counted rating asks whether its desk already has
  // an open share alert, and every unsatisfied rating adds an alert, so without this index the
  // question read every alert ever raised (2.4 ms with a year's 36,500 here, on the event loop).
  `
  CREATE INDEX alerts_unresolved_by_desk ON alerts (desk, kind) WHERE state != 'resolved';
  `,
  // A desk's counted ratings by time, for its alert window: the index made for it went with the
  // table it stood on when ratings were put in time order, and a desk's window read the ratings of
  // every desk over the hour instead (a third of the event loop's time under a burst).
  `
  CREATE INDEX ratings_counted_by_desk ON ratings (desk, time_ms, unsatisfied) WHERE misuse = '';
  `,
  // What a batch of ratings writes to the log: an index that each rating adds to at its desk's
  // place costs a page per desk in every batch, where what is kept in time order shares a few. Of
  // ~100 pages a batch of 100 ratings from 20 boxes wrote (once an alert's key began with its time;
  // ~125 before), a desk's counted ratings took 21 and its unresolved alerts 9. A desk's window is
  // counted in memory almost always (ratings/window.ts), and the store's rare count reads the
  // window's ratings by time, the table's own order; unresolved alerts are kept in the order they
  // were raised, and the share alerts, one a desk at most, apart.
  `
  DROP INDEX ratings_counted_by_desk;
  DROP INDEX alerts_unresolved_by_desk;
  CREATE INDEX alerts_unresolved ON alerts (state) WHERE state != 'resolved';
  CREATE INDEX alerts_open_share_by_desk ON alerts (desk)
    WHERE kind = 'unsatisfied-share' AND state != 'resolved';
  `,
  // An event's identity kept once per run of consecutive seqs of its boot (ingest/identities.ts),
  // not once per event in an index in the box's own order, which cost a page of the log per box in
  // every batch. The runs are read from the events the hub already has: a seq minus its rank
  // within its boot is the same along a run. `events` is left with no index: nothing reads it by
  // identity any more.
  `
  CREATE TABLE event_boots (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    boot TEXT NOT NULL,
    UNIQUE (device, boot)
  );
  CREATE TABLE event_runs (
    boot_id INTEGER NOT NULL REFERENCES event_boots (id),
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (boot_id, first_seq)
  ) WITHOUT ROWID;
  INSERT INTO event_boots (device, boot)
    SELECT device, boot FROM events GROUP BY device, boot ORDER BY MIN(rowid);
  INSERT INTO event_runs (boot_id, first_seq, last_seq)
    SELECT b.id, MIN(e.seq), MAX(e.seq)
    FROM (
      SELECT device, boot, seq, seq - ROW_NUMBER() OVER (PARTITION BY device, boot ORDER BY seq) AS run
      FROM events
    ) AS e
    JOIN event_boots AS b USING (device, boot)
    GROUP BY b.id, e.run;
  DROP INDEX events_identity;
  `,
  // A box's last counted press, rewritten for every box in every batch: keyed by the box alone
  // (WITHOUT ROWID) it is changed in place, where INSERT OR REPLACE over a rowid table and its
  // index deleted and inserted the row in both.
  `
  CREATE TABLE rating_last_counted_by_box (
    device TEXT PRIMARY KEY,
    time_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO rating_last_counted_by_box SELECT device, time_ms FROM rating_last_counted;
  DROP TABLE rating_last_counted;
  ALTER TABLE rating_last_counted_by_box RENAME TO rating_last_counted;
  `,
];
