import { toLine } from '../influx/line-protocol.ts';
import { type GroupCommit, type Store, statement } from '../store/index.ts';
import type { Point } from './points.ts';

/** Points read for InfluxDB: their lines, how many, and the last outbox row they came from. */
export type OutboxBatch = { lines: string; points: number; throughId: number };

/**
 * The queue of points for InfluxDB, in the hub's store (docs/architecture.md, store and forward),
 * as line protocol. The points of one unit of work (a group commit's batch) wait in memory until
 * its end and are written as one row, inside its transaction: a point is durable exactly when
 * the event that made it is.
 */
export class Outbox {
  readonly #db: Store;
  readonly #commits: GroupCommit;
  #pending: string[] = [];
  readonly #watchers = new Set<(point: Point) => void>();

  constructor(db: Store, commits: GroupCommit) {
    this.#db = db;
    this.#commits = commits;
    commits.beforeCommit(() => this.#writePending());
    commits.onRollback(() => {
      this.#pending = [];
    });
  }

  /**
   * Inside a unit of work, with it; outside one (a timer's sample), with the next batch: a commit
   * of its own would wait for the disk on the event loop.
   */
  add(point: Point): void {
    const line = toLine(point);
    if (!this.#commits.working) {
      this.#commits.later(() => this.#add(point, line), 'a point could not be queued for InfluxDB');
      return;
    }
    this.#add(point, line);
  }

  #add(point: Point, line: string): void {
    this.#pending.push(line);
    if (this.#watchers.size === 0) return;
    // Shown once it is durable, and never if its unit of work rolls back.
    this.#commits.afterCommit(() => {
      for (const watcher of this.#watchers) watcher(point);
    });
  }

  /** `watcher` sees each point once it is durable, until the returned function is called. */
  watch(watcher: (point: Point) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** The oldest rows, oldest first, until they hold `limit` points (at least one row). */
  oldest(limit: number): OutboxBatch | undefined {
    const rows = statement(
      this.#db,
      'SELECT id, points, lines FROM outbox ORDER BY id',
    ).iterate() as Iterator<{
      id: number;
      points: number;
      lines: string;
    }>;
    const lines: string[] = [];
    let points = 0;
    let throughId = 0;
    try {
      for (let row = rows.next(); !row.done && points < limit; row = rows.next()) {
        lines.push(row.value.lines);
        points += Number(row.value.points);
        throughId = Number(row.value.id);
      }
    } finally {
      rows.return?.();
    }
    return points === 0 ? undefined : { lines: lines.join('\n'), points, throughId };
  }

  /**
   * Drop every row up to and including `id`: InfluxDB acknowledged them (docs/architecture.md).
   * With the next batch; resolved once that is on disk, so the writer reads on after them.
   */
  removeThrough(id: number): Promise<void> {
    return this.#commits.durably(() => {
      statement(this.#db, 'DELETE FROM outbox WHERE id <= ?').run(id);
    });
  }

  /** Points waiting. */
  backlog(): number {
    return Number(
      (statement(this.#db, 'SELECT COALESCE(SUM(points), 0) AS n FROM outbox').get() as { n: number }).n,
    );
  }

  #writePending(): void {
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    statement(this.#db, 'INSERT INTO outbox (points, lines) VALUES (?, ?)').run(
      lines.length,
      lines.join('\n'),
    );
  }
}
