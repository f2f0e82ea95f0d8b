import type { Store } from '../../hub/src/store/index.ts';

/** How SQLite would run `sql`: its `EXPLAIN QUERY PLAN` lines, joined by "; ". */
export const queryPlan = (db: Store, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
    .map((row) => row.detail)
    .join('; ');
