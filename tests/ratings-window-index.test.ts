import { describe, expect, it } from 'vitest';
import { DESK_COUNTED_BETWEEN, DESK_COUNTED_SINCE } from '../hub/src/ratings/window.ts';
import { openStore } from '../hub/src/store/index.ts';
import { queryPlan } from './helpers/query-plan.ts';

// A counted rating's alert window asks what its desk had over the last hour; when the window is not
// in memory (a box's late queue, the first press after a start) it asks the store, and must read
// the ratings of that time only, through the table's time order, not every rating of the years.
describe("a desk's alert window in the store", () => {
  it.each([
    ['with the statistics of ANALYZE', true],
    ['without them, as the hub runs', false],
  ])("reads only the ratings of the window's time (%s)", (_, analyze) => {
    const db = openStore(':memory:');
    const insert = db.prepare(
      `INSERT INTO ratings (device, boot, seq, time_ms, desk, officer, score, scale, satisfied, unsatisfied, misuse)
         VALUES (?, 'b', ?, ?, ?, 'o', ?, 4, 0, ?, ?)`,
    );
    for (let i = 0; i < 6_000; i++) {
      const score = 1 + (i % 4);
      insert.run(
        `btn-${i % 20}`,
        i,
        1_000_000 + i * 1_000,
        `quay-${i % 6}`,
        score,
        Number(score === 1),
        i % 10 ? '' : 'repeat',
      );
    }
    if (analyze) db.exec('ANALYZE');
    expect(queryPlan(db, DESK_COUNTED_BETWEEN)).toBe(
      'SEARCH ratings USING PRIMARY KEY (time_ms>? AND time_ms<?)',
    );
    expect(queryPlan(db, DESK_COUNTED_SINCE)).toBe('SEARCH ratings USING PRIMARY KEY (time_ms>?)');
    const window = db.prepare(DESK_COUNTED_BETWEEN).get('quay-2', 1_000_000, 1_000_000 + 599_000) as {
      rated: number;
      unsatisfied: number;
    };
    // quay-2 has i = 2, 8, 14, … below 600: 100 ratings, 20 of them flagged (i % 10 = 0); of the 80
    // counted, score 1 (i % 4 = 0) is unsatisfied for 40.
    expect(window).toEqual({ rated: 80, unsatisfied: 40 });
    db.close();
  });
});
