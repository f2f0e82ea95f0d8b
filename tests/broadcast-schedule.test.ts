import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { airsOn, occurrenceAt, occurrences, type Schedule } from '../hub/src/broadcasts/schedule.ts';

// A program's schedule in the site's calendar: which days, which airings, and what is on air at t.

const TZ = 'Asia/Ho_Chi_Minh';
const MIN = 60_000;
/** A local time in Hà Nội (UTC+7) as an instant. */
const local = (dateTime: string) => Date.parse(`${dateTime}:00+07:00`);
const startsOf = (found: Array<{ startMs: number }>) =>
  found.map((o) => new Date(o.startMs + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '));
const datesBetween = (schedule: Schedule, from: string, to: string) =>
  occurrences(schedule, 10 * MIN, TZ, local(`${from}T00:00`), local(`${to}T23:59`)).map((o) => o.date);

describe('schedule', () => {
  it('airs a one-off program once, at its local time', () => {
    const once: Schedule = { from: '2026-11-25', time: '07:30', recurrence: { kind: 'once' } };
    const found = occurrences(once, 15 * MIN, TZ, local('2026-11-20T00:00'), local('2026-12-31T00:00'));
    expect(found).toEqual([
      {
        date: '2026-11-25',
        index: 0,
        startMs: Date.parse('2026-11-25T00:30:00Z'),
        endMs: Date.parse('2026-11-25T00:45:00Z'),
      },
    ]);
  });

  it('keeps to the validity range, both ends included', () => {
    const daily: Schedule = {
      from: '2026-11-28',
      until: '2026-12-02',
      time: '17:00',
      recurrence: { kind: 'daily' },
    };
    expect(datesBetween(daily, '2026-11-25', '2026-12-05')).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });

  it('airs weekly on given days across a month end and a year end', () => {
    const weekly: Schedule = {
      from: '2026-12-21',
      time: '06:00',
      recurrence: { kind: 'weekly', days: ['mon', 'wed', 'fri'], every_weeks: 1 },
    };
    expect(datesBetween(weekly, '2026-12-21', '2027-01-11')).toEqual([
      '2026-12-21',
      '2026-12-23',
      '2026-12-25',
      '2026-12-28',
      '2026-12-30',
      '2027-01-01',
      '2027-01-04',
      '2027-01-06',
      '2027-01-08',
      '2027-01-11',
    ]);
  });

  it('counts every N weeks from the week of the first day, Monday to Sunday', () => {
    // First day a Wednesday: its week (from Monday 23/11) is week 0, then every other week.
    const fortnightly: Schedule = {
      from: '2026-11-25',
      time: '08:00',
      recurrence: { kind: 'weekly', days: ['mon', 'sun'], every_weeks: 2 },
    };
    expect(datesBetween(fortnightly, '2026-11-23', '2026-12-31')).toEqual([
      '2026-11-29',
      '2026-12-07',
      '2026-12-13',
      '2026-12-21',
      '2026-12-27',
    ]);
  });

  it('finds a 23:30–00:30 airing from either day, and has it on air after midnight', () => {
    const late: Schedule = { from: '2026-11-23', time: '23:30', recurrence: { kind: 'daily' } };
    const hour = 60 * MIN;
    const afterMidnight = occurrences(late, hour, TZ, local('2026-11-24T00:00'), local('2026-11-24T01:00'));
    expect(afterMidnight.map((o) => o.date)).toEqual(['2026-11-23']);
    expect(occurrenceAt(late, hour, TZ, local('2026-11-24T00:15'))?.date).toBe('2026-11-23');
    expect(occurrenceAt(late, hour, TZ, local('2026-11-24T00:30'))).toBeUndefined(); // its end is not on air
    expect(occurrenceAt(late, hour, TZ, local('2026-11-23T23:30'))?.date).toBe('2026-11-23');
    expect(occurrenceAt(late, hour, TZ, local('2026-11-23T00:15'))).toBeUndefined(); // the day before it began
  });

  it('repeats an airing N times a day with a gap between the end of one and the next', () => {
    const thrice: Schedule = {
      from: '2026-11-23',
      until: '2026-11-24',
      time: '07:00',
      recurrence: { kind: 'daily' },
      repeat: { count: 3, gap_min: 15 },
    };
    const found = occurrences(thrice, 10 * MIN, TZ, local('2026-11-23T00:00'), local('2026-11-25T00:00'));
    expect(startsOf(found)).toEqual([
      '2026-11-23 07:00',
      '2026-11-23 07:25',
      '2026-11-23 07:50',
      '2026-11-24 07:00',
      '2026-11-24 07:25',
      '2026-11-24 07:50',
    ]);
    expect(found.map((o) => o.index)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(occurrenceAt(thrice, 10 * MIN, TZ, local('2026-11-23T07:12'))).toBeUndefined(); // in the gap
  });

  it('says on which days a schedule airs', () => {
    const weekly: Schedule = {
      from: '2026-11-23',
      until: '2026-12-31',
      time: '06:00',
      recurrence: { kind: 'weekly', days: ['sat'], every_weeks: 1 },
    };
    expect(airsOn(weekly, '2026-11-28')).toBe(true);
    expect(airsOn(weekly, '2026-11-29')).toBe(false);
    expect(airsOn(weekly, '2027-01-02')).toBe(false); // after the validity range
  });

  it('has on air at t exactly the airing the list of occurrences has covering t, for any t', () => {
    const weekday = fc.constantFrom('sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' as const);
    const date = fc
      .integer({ min: 0, max: 800 })
      .map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const schedule: fc.Arbitrary<Schedule> = fc.record(
      {
        from: date,
        until: date,
        time,
        recurrence: fc.oneof(
          fc.constant({ kind: 'once' as const }),
          fc.constant({ kind: 'daily' as const }),
          fc.record({
            kind: fc.constant('weekly' as const),
            days: fc.uniqueArray(weekday, { minLength: 1, maxLength: 7 }),
            every_weeks: fc.integer({ min: 1, max: 4 }),
          }),
        ),
        repeat: fc.record({
          count: fc.integer({ min: 1, max: 4 }),
          gap_min: fc.integer({ min: 0, max: 120 }),
        }),
      },
      { requiredKeys: ['from', 'time', 'recurrence'] },
    );
    fc.assert(
      fc.property(
        schedule,
        fc.integer({ min: 1, max: 180 }),
        fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2028, 2, 1) }),
        (s, minutes, t) => {
          const durationMs = minutes * MIN;
          const around = occurrences(s, durationMs, TZ, t - 3 * 86_400_000, t + 3 * 86_400_000);
          const covering = around.filter((o) => o.startMs <= t && t < o.endMs);
          expect(occurrenceAt(s, durationMs, TZ, t)).toEqual(covering.at(-1));
          // Every occurrence is on a day the schedule airs, at its time, in order.
          for (const o of around) expect(airsOn(s, o.date)).toBe(true);
          expect(around.map((o) => o.startMs)).toEqual(
            [...around.map((o) => o.startMs)].sort((a, b) => a - b),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
