import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { advance, DemoClock, demoStart, shownDay, shownDayFrom } from '../hub/src/demo/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';

// The demo's own clock over the example commune's calendar: sessions 07:30–11:30 and 13:30–17:00,
// Monday to Friday, in Hà Nội time; Quốc khánh 1–2/9/2026 (Tuesday, Wednesday). A shown day runs
// from 20 minutes before the first session to 20 minutes after the last: 07:10–17:20.

const calendar = loadSiteConfig(EXAMPLE_CONFIG);
const MARGIN = 20 * 60_000;
const MIN = 60_000;
const at = (local: string) => new Date(`${local}:00+07:00`).getTime();
const iso = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '); // site time, for messages

describe('shown days', () => {
  it('run from before the first session to after the last, lunch included', () => {
    expect(shownDay(calendar, '2026-11-23', MARGIN)).toEqual({
      fromMs: at('2026-11-23T07:10'),
      toMs: at('2026-11-23T17:20'),
    });
  });

  it('are none on a weekend or a public holiday', () => {
    expect(shownDay(calendar, '2026-11-28', MARGIN)).toBeUndefined(); // Saturday
    expect(shownDay(calendar, '2026-11-29', MARGIN)).toBeUndefined(); // Sunday
    expect(shownDay(calendar, '2026-09-02', MARGIN)).toBeUndefined(); // Quốc khánh, a Wednesday
  });

  it('from a Sunday night, the next is Monday morning', () => {
    expect(shownDayFrom(calendar, at('2026-11-22T22:00'), MARGIN).fromMs).toBe(at('2026-11-23T07:10'));
  });
});

describe('advance', () => {
  const step = (from: string, minutes: number) => iso(advance(calendar, at(from), minutes * MIN, MARGIN));

  it('adds time within a day, through the lunch break', () => {
    expect(step('2026-11-23T07:10', 60)).toBe('2026-11-23 08:10');
    expect(step('2026-11-23T11:00', 180)).toBe('2026-11-23 14:00');
  });

  it('jumps the night: the end of a day is the start of the next', () => {
    expect(step('2026-11-23T17:00', 20)).toBe('2026-11-24 07:10');
    expect(step('2026-11-23T17:00', 30)).toBe('2026-11-24 07:20');
  });

  it('jumps a weekend and a public holiday', () => {
    expect(step('2026-11-27T17:15', 10)).toBe('2026-11-30 07:15'); // Friday → Monday
    expect(step('2026-08-31T17:15', 10)).toBe('2026-09-03 07:15'); // Monday → Thursday, after Quốc khánh
  });

  it('starts a time outside a shown day at the next one', () => {
    expect(step('2026-11-28T12:00', 5)).toBe('2026-11-30 07:15');
  });

  it('is additive and never goes back', () => {
    const from = at('2026-11-23T07:10');
    fc.assert(
      fc.property(fc.nat(3 * 86_400_000), fc.nat(3 * 86_400_000), (x, y) => {
        const once = advance(calendar, from, x + y, MARGIN);
        expect(advance(calendar, advance(calendar, from, x, MARGIN), y, MARGIN)).toBe(once);
        expect(once).toBeGreaterThanOrEqual(advance(calendar, from, x, MARGIN));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the demo clock', () => {
  const clockAt = (startMs: number, speed: number) => {
    let real = 1_000;
    const clock = new DemoClock({ calendar, speed, startMs, realMs: () => real });
    clock.start();
    return { clock, pass: (ms: number) => (real += ms) };
  };

  it('stands at its start until started', () => {
    let real = 1_000;
    const clock = new DemoClock({ calendar, speed: 60, startMs: at('2026-11-23T07:10'), realMs: () => real });
    real += 30_000; // a slow machine's boot
    expect(iso(clock.nowMs())).toBe('2026-11-23 07:10');
    clock.start();
    real += 1_000;
    expect(clock.nowMs()).toBe(at('2026-11-23T07:11'));
  });

  it('runs `speed` times faster than real time', () => {
    const { clock, pass } = clockAt(at('2026-11-23T09:00'), 60);
    expect(iso(clock.nowMs())).toBe('2026-11-23 09:00');
    pass(1_000);
    expect(clock.nowMs()).toBe(at('2026-11-23T09:01'));
    const fast = clockAt(at('2026-11-23T09:00'), 600);
    fast.pass(1_000);
    expect(fast.clock.nowMs()).toBe(at('2026-11-23T09:10'));
  });

  it('plays a whole working day in ten minutes at 60×, then jumps to the next', () => {
    const { clock, pass } = clockAt(at('2026-11-27T07:10'), 60); // a Friday
    pass(10 * 60_000 + 9_000); // 10 h 09 min of demo time
    expect(iso(clock.nowMs())).toBe('2026-11-27 17:19');
    pass(2_000);
    expect(iso(clock.nowMs())).toBe('2026-11-30 07:11'); // Monday, over the weekend
  });

  it('starts inside the next shown day when told a night', () => {
    const { clock } = clockAt(at('2026-11-22T22:00'), 60);
    expect(iso(clock.nowMs())).toBe('2026-11-23 07:10');
  });

  it('never goes back, however it is read', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(120_000), { maxLength: 60 }),
        fc.integer({ min: 1, max: 3600 }),
        (steps, speed) => {
          const { clock, pass } = clockAt(at('2026-11-27T16:00'), speed);
          let last = clock.nowMs();
          for (const ms of steps) {
            pass(ms);
            const now = clock.nowMs();
            expect(now).toBeGreaterThanOrEqual(last);
            last = now;
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('where a demo run starts', () => {
  const start = (wall: string, stored?: string) =>
    iso(demoStart(calendar, at(wall), stored === undefined ? undefined : at(stored)));

  it("at the opening of today's or the next working day", () => {
    expect(start('2026-11-22T22:00')).toBe('2026-11-23 07:10'); // Sunday night → Monday
    expect(start('2026-11-23T10:00')).toBe('2026-11-23 07:10'); // a Monday morning: from its opening
    expect(start('2026-11-23T17:30')).toBe('2026-11-24 07:10'); // Monday evening → Tuesday
    expect(start('2026-08-31T20:00')).toBe('2026-09-03 07:10'); // before Quốc khánh → Thursday
  });

  it('after what an earlier run stored, never before', () => {
    expect(start('2026-11-22T22:00', '2026-11-24T09:00')).toBe('2026-11-24 09:01');
    expect(start('2026-11-22T22:00', '2026-11-27T17:19')).toBe('2026-11-30 07:10'); // end of a Friday
    expect(start('2026-11-25T10:00', '2026-11-23T12:00')).toBe('2026-11-25 07:10'); // an old store
  });
});
