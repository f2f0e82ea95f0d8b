import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountedWindows } from '../hub/src/ratings/window.ts';
import { openStore } from '../hub/src/store/index.ts';

// The alert window kept in memory must count exactly what the store holds, whatever the order in
// which ratings arrive (a box's queue drains late), whenever a window is asked for, and however
// often the oldest kept ratings go.

const WINDOW_MS = 60_000;

type Step =
  | { kind: 'rating'; desk: string; timeMs: number; unsatisfied: boolean; misuse: boolean }
  | { kind: 'window'; desk: string; timeMs: number }
  | { kind: 'rollback' };

/** Play `steps` on a store and on windows beside it: every window asked must match the store's count. */
function replay(steps: readonly Step[], maxKept?: number): void {
  const db = openStore(':memory:');
  const windows = new CountedWindows(db, WINDOW_MS, { maxKept });
  const insert = db.prepare(
    `INSERT INTO ratings (device, boot, seq, time_ms, desk, officer, score, scale, satisfied, unsatisfied, misuse)
       VALUES ('btn', 'boot0001', ?, ?, ?, 'none', 1, 4, 0, ?, ?)`,
  );
  const inStore = db.prepare(
    `SELECT COUNT(*) AS rated, COALESCE(SUM(unsatisfied), 0) AS unsatisfied FROM ratings
       WHERE desk = ? AND misuse = '' AND time_ms >= ? AND time_ms <= ?`,
  );
  let seq = 0;
  for (const s of steps) {
    if (s.kind === 'rollback') {
      windows.forget();
    } else if (s.kind === 'rating') {
      insert.run(seq++, s.timeMs, s.desk, Number(s.unsatisfied), s.misuse ? 'repeat' : '');
      if (!s.misuse) windows.add(s.desk, s.timeMs, s.unsatisfied);
    } else {
      const expected = inStore.get(s.desk, s.timeMs - WINDOW_MS, s.timeMs);
      expect({ ...windows.at(s.desk, s.timeMs) }, `window to ${s.timeMs} of ${s.desk}`).toEqual({
        ...expected,
      });
    }
  }
  db.close();
}

// Times on a half-second grid, so that ratings share a time and windows begin exactly at one.
const time = fc.integer({ min: 0, max: 300 }).map((halfSeconds) => halfSeconds * 500);
const desk = fc.constantFrom('quay-1', 'quay-2');
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('rating' as const),
      desk,
      timeMs: time,
      unsatisfied: fc.boolean(),
      misuse: fc.boolean(),
    }),
  },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('window' as const), desk, timeMs: time }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollback' as const) }) },
);

describe('counted windows', () => {
  it.each([
    ['all it is given', undefined],
    ['few ratings, so that the oldest go again and again', 5],
  ])(
    'count what the store counts, for ratings in any order and windows at any time, keeping %s',
    (_, maxKept) => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 10, maxLength: 200 }), (steps) => replay(steps, maxKept)),
        { numRuns: 300 },
      );
    },
  );

  it('drop every rating at the time where they cut, and count a window that begins there in the store', () => {
    const rating = (timeMs: number, unsatisfied = false): Step => ({
      kind: 'rating',
      desk: 'quay-1',
      timeMs,
      unsatisfied,
      misuse: false,
    });
    const window = (timeMs: number): Step => ({ kind: 'window', desk: 'quay-1', timeMs });
    replay(
      [
        // Loaded on first use, then past the bound of 3: the oldest half goes, and with it the
        // other rating at 70,000, the time where the cut falls.
        window(60_000),
        rating(60_000, true),
        rating(70_000),
        rating(70_000, true),
        rating(80_000),
        // A late rating at the cut's time, and windows from before, at and after it.
        rating(70_000),
        window(130_000),
        window(130_001),
        window(140_000),
        rating(90_000, true),
        window(150_000),
      ],
      3,
    );
  });
});
