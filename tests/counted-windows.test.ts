import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountedWindows } from '../hub/src/ratings/window.ts';
import { openStore } from '../hub/src/store/index.ts';

// The alert window kept in memory must count exactly what the store holds, whatever the order in
// which ratings arrive (a box's queue drains late) and whenever a window is asked for.

const WINDOW_MS = 60_000;

const inStore = (db: ReturnType<typeof openStore>, desk: string, toMs: number) =>
  db
    .prepare(
      `SELECT COUNT(*) AS rated, COALESCE(SUM(unsatisfied), 0) AS unsatisfied FROM ratings
         WHERE desk = ? AND misuse = '' AND time_ms >= ? AND time_ms <= ?`,
    )
    .get(desk, toMs - WINDOW_MS, toMs);

describe('counted windows', () => {
  it.each([
    ['all it is given', undefined],
    ['few ratings, so that the oldest go again and again', 5],
  ])(
    'counts what the store counts, for ratings in any order and windows at any time, keeping %s',
    (_, maxKept) => {
      const step = fc.oneof(
        fc.record({
          kind: fc.constant('rating' as const),
          desk: fc.constantFrom('quay-1', 'quay-2'),
          timeMs: fc.integer({ min: 0, max: 150_000 }),
          unsatisfied: fc.boolean(),
          misuse: fc.boolean(),
        }),
        fc.record({
          kind: fc.constant('window' as const),
          desk: fc.constantFrom('quay-1', 'quay-2'),
          timeMs: fc.integer({ min: 0, max: 150_000 }),
        }),
        fc.record({ kind: fc.constant('rollback' as const) }),
      );
      fc.assert(
        fc.property(fc.array(step, { minLength: 10, maxLength: 200 }), (steps) => {
          const db = openStore(':memory:');
          const windows = new CountedWindows(db, WINDOW_MS, { maxKept });
          let seq = 0;
          for (const s of steps) {
            if (s.kind === 'rollback') {
              windows.forget();
            } else if (s.kind === 'rating') {
              db.prepare(
                `INSERT INTO ratings (device, boot, seq, time_ms, desk, officer, score, scale, satisfied, unsatisfied, misuse)
                 VALUES ('btn', 'boot0001', ?, ?, ?, 'none', 1, 4, 0, ?, ?)`,
              ).run(seq++, s.timeMs, s.desk, Number(s.unsatisfied), s.misuse ? 'repeat' : '');
              if (!s.misuse) windows.add(s.desk, s.timeMs, s.unsatisfied);
            } else {
              expect({ ...windows.at(s.desk, s.timeMs) }).toEqual({ ...inStore(db, s.desk, s.timeMs) });
            }
          }
          db.close();
        }),
        { numRuns: 300 },
      );
    },
  );
});
