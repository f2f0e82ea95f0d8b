import { type Store, statement } from '../store/index.ts';
import type { Point } from './points.ts';

/** The queue of points for InfluxDB, in the hub's store (docs/architecture.md, store and forward). */
export class Outbox {
  readonly #db: Store;

  constructor(db: Store) {
    this.#db = db;
  }

  /** Call inside the transaction that records the event's identity. */
  add(point: Point): void {
    statement(this.#db, 'INSERT INTO outbox (measurement, tags, fields, time_ms) VALUES (?, ?, ?, ?)').run(
      point.measurement,
      JSON.stringify(point.tags),
      JSON.stringify(point.fields),
      point.timeMs,
    );
  }

  /** The oldest `limit` points, oldest first, each with its outbox id. */
  oldest(limit: number): Array<Point & { id: number }> {
    const rows = statement(this.#db, 'SELECT * FROM outbox ORDER BY id LIMIT ?').all(limit) as Array<{
      id: number;
      measurement: string;
      tags: string;
      fields: string;
      time_ms: number;
    }>;
    return rows.map((row) => ({
      id: Number(row.id),
      measurement: row.measurement,
      tags: JSON.parse(row.tags),
      fields: JSON.parse(row.fields),
      timeMs: Number(row.time_ms),
    }));
  }

  /** Drop every point up to and including `id`: InfluxDB acknowledged them (docs/architecture.md). */
  removeThrough(id: number): void {
    statement(this.#db, 'DELETE FROM outbox WHERE id <= ?').run(id);
  }

  backlog(): number {
    return Number((statement(this.#db, 'SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n);
  }
}
