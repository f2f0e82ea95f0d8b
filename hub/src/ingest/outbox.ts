import type { Store } from '../store/index.ts';
import type { Point } from './points.ts';

/** The queue of points for InfluxDB, in the hub's store (DESIGN §6 store and forward). */
export class Outbox {
  readonly #db: Store;

  constructor(db: Store) {
    this.#db = db;
  }

  /** Call inside the transaction that records the event's identity. */
  add(point: Point): void {
    this.#db
      .prepare('INSERT INTO outbox (measurement, tags, fields, time_ms) VALUES (?, ?, ?, ?)')
      .run(point.measurement, JSON.stringify(point.tags), JSON.stringify(point.fields), point.timeMs);
  }

  backlog(): number {
    return Number((this.#db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n);
  }
}
