import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScheduledProgram } from '../hub/src/broadcasts/on-air.ts';
import { firstOverlap } from '../hub/src/broadcasts/overlaps.ts';
import { occurrences, type Schedule } from '../hub/src/broadcasts/schedule.ts';
import type { Weekday } from '../hub/src/config/index.ts';

// Overlaps within a tier are caught when a program is written, whatever the recurrence.

const TZ = 'Asia/Ho_Chi_Minh';
const MIN = 60_000;
const program = (
  id: string,
  schedule: Schedule,
  minutes: number,
  extra: Partial<ScheduledProgram> = {},
): ScheduledProgram => ({
  id,
  tier: 'normal',
  zones: ['thon-1'],
  schedule,
  durationMs: minutes * MIN,
  ...extra,
});
const daily = (time: string, from = '2026-11-23', until?: string): Schedule => ({
  from,
  until,
  time,
  recurrence: { kind: 'daily' },
});
const weekly = (days: Weekday[], every: number, from = '2026-11-23'): Schedule => ({
  from,
  time: '07:00',
  recurrence: { kind: 'weekly', days, every_weeks: every },
});

describe('overlaps', () => {
  it('names the other program, the zone and the first slot where both would air', () => {
    const news = program('ban-tin-sang', daily('07:00'), 30);
    const found = firstOverlap(program('nhac', daily('07:20', '2026-11-25'), 20), [news], TZ);
    expect(found).toMatchObject({
      zone: 'thon-1',
      other: 'ban-tin-sang',
      airing: { date: '2026-11-25', startMs: Date.parse('2026-11-25T00:20:00Z') },
      otherAiring: { date: '2026-11-25', startMs: Date.parse('2026-11-25T00:00:00Z') },
    });
  });

  it('lets programs of other tiers, other zones, or back to back share the air', () => {
    const news = program('ban-tin', daily('07:00'), 30);
    expect(
      firstOverlap(program('uu-tien', daily('07:10'), 5, { tier: 'priority' }), [news], TZ),
    ).toBeUndefined();
    expect(
      firstOverlap(program('thon-2', daily('07:10'), 5, { zones: ['thon-2'] }), [news], TZ),
    ).toBeUndefined();
    expect(firstOverlap(program('sau', daily('07:30'), 5), [news], TZ)).toBeUndefined();
  });

  it('follows weekdays, every N weeks and validity ranges', () => {
    const mondays = program('t2', weekly(['mon'], 1), 30);
    expect(firstOverlap(program('t3', weekly(['tue'], 1), 30), [mondays], TZ)).toBeUndefined();
    const evenWeeks = program('chan', weekly(['mon'], 2), 30);
    expect(
      firstOverlap(program('le', weekly(['mon'], 2, '2026-11-30'), 30), [evenWeeks], TZ),
    ).toBeUndefined();
    expect(
      firstOverlap(program('cung', weekly(['mon'], 2, '2026-12-07'), 30), [evenWeeks], TZ),
    ).toMatchObject({
      airing: { date: '2026-12-07' },
    });
    const november = program('thang-11', daily('07:00', '2026-11-01', '2026-11-30'), 30);
    expect(
      firstOverlap(program('thang-12', daily('07:00', '2026-12-01'), 30), [november], TZ),
    ).toBeUndefined();
  });

  it('catches an overlap across midnight', () => {
    const late = program('dem', daily('23:30'), 60);
    const found = firstOverlap(
      program('nua-dem', { from: '2026-11-24', time: '00:10', recurrence: { kind: 'once' } }, 10),
      [late],
      TZ,
    );
    expect(found).toMatchObject({ other: 'dem', otherAiring: { date: '2026-11-23' } });
  });

  it('finds an overlap exactly when a long brute-force search does', () => {
    const date = fc
      .integer({ min: 0, max: 30 })
      .map((d) => new Date(Date.UTC(2026, 10, 1) + d * 86_400_000).toISOString().slice(0, 10));
    const schedule: fc.Arbitrary<Schedule> = fc.record({
      from: date,
      time: fc.constantFrom('06:50', '07:00', '07:20', '23:40'),
      recurrence: fc.oneof(
        fc.constant({ kind: 'once' as const }),
        fc.constant({ kind: 'daily' as const }),
        fc.record({
          kind: fc.constant('weekly' as const),
          days: fc.uniqueArray(fc.constantFrom('mon', 'wed', 'sat' as const), { minLength: 1 }),
          every_weeks: fc.integer({ min: 1, max: 3 }),
        }),
      ),
      until: fc.option(date, { nil: undefined }),
      // A day's airings end within 24 hours of its first, as programs are validated.
      repeat: fc.option(
        fc.record({ count: fc.integer({ min: 1, max: 3 }), gap_min: fc.integer({ min: 0, max: 300 }) }),
        {
          nil: undefined,
        },
      ),
    });
    fc.assert(
      fc.property(
        schedule,
        schedule,
        fc.integer({ min: 5, max: 40 }),
        fc.integer({ min: 5, max: 40 }),
        (s1, s2, m1, m2) => {
          const a = program('a', s1, m1);
          const b = program('b', s2, m2);
          const from = Date.UTC(2026, 9, 25);
          const to = Date.UTC(2027, 2, 1);
          const theirs = occurrences(s2, m2 * MIN, TZ, from, to);
          const brute = occurrences(s1, m1 * MIN, TZ, from, to).find((x) =>
            theirs.some((y) => y.startMs < x.endMs && x.startMs < y.endMs),
          );
          expect(firstOverlap(a, [b], TZ)?.airing).toEqual(brute);
        },
      ),
      { numRuns: 400 },
    );
  });
});
