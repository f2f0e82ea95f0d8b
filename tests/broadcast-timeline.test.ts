import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onAir, type ScheduledProgram } from '../hub/src/broadcasts/on-air.ts';
import { timeline, zoneAirings } from '../hub/src/broadcasts/timeline.ts';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';
import { morningPrograms } from './helpers/radio-programs.ts';

// A zone's air as segments, the commands the hub sends: each agrees with "on air at t".

const CALENDAR = {
  timezone: 'Asia/Ho_Chi_Minh',
  holidays: [],
  quietHours: [{ start: '12:00', end: '13:00' }],
};
const MIN = 60_000;
const at = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00+07:00`);
const program = (
  id: string,
  tier: ScheduledProgram['tier'],
  time: string,
  minutes: number,
): ScheduledProgram => ({
  id,
  tier,
  zones: ['thon-1'],
  schedule: { from: '2026-11-23', time, recurrence: { kind: 'once' } },
  durationMs: minutes * MIN,
});
const brief = (programs: ScheduledProgram[], from: string, to: string) =>
  timeline(programs, 'thon-1', CALENDAR, at(from), at(to)).map((s) => ({
    program: s.program,
    from: new Date(s.startMs).toISOString().slice(11, 16),
    to: new Date(s.endMs).toISOString().slice(11, 16),
    offset_min: s.offsetMs / MIN,
  }));

describe('timeline', () => {
  it('cuts a program where a higher tier takes the air and resumes it at its offset after', () => {
    const programs = [
      program('ban-tin', 'normal', '10:00', 30),
      program('khan-cap', 'emergency', '10:10', 5),
    ];
    expect(brief(programs, '09:00', '11:00')).toEqual([
      { program: 'ban-tin', from: '03:00', to: '03:10', offset_min: 0 },
      { program: 'khan-cap', from: '03:10', to: '03:15', offset_min: 0 },
      { program: 'ban-tin', from: '03:15', to: '03:30', offset_min: 10 },
    ]);
  });

  it('keeps the start of a segment begun before the period, so its command keeps its name', () => {
    const programs = [program('ban-tin', 'normal', '10:00', 30)];
    expect(brief(programs, '10:20', '10:25')).toEqual([
      { program: 'ban-tin', from: '03:00', to: '03:30', offset_min: 0 },
    ]);
    expect(brief(programs, '10:30', '11:00')).toEqual([]);
  });

  it('leaves held airings off the air and says which airings a higher tier cut into', () => {
    const programs = [
      program('trua', 'normal', '12:10', 10),
      program('ban-tin', 'normal', '10:00', 30),
      program('uu-tien', 'priority', '10:25', 10),
    ];
    expect(brief(programs, '12:00', '13:00')).toEqual([]);
    const airings = zoneAirings(programs, 'thon-1', CALENDAR, at('09:00'), at('13:00'));
    expect(airings.map((a) => [a.program.id, a.held ?? null, a.preemptedByHigher])).toEqual([
      ['ban-tin', null, true],
      ['uu-tien', null, false],
      ['trua', 'quiet-hours', false],
    ]);
  });

  it('holds a daily normal program over Tết as the site config has it, and airs a priority one', () => {
    const site = loadSiteConfig(EXAMPLE_CONFIG);
    const calendar = {
      timezone: site.site.timezone,
      holidays: site.holidays,
      quietHours: site.broadcast.quiet_hours,
    };
    const daily = (id: string, tier: ScheduledProgram['tier'], time: string): ScheduledProgram => ({
      id,
      tier,
      zones: ['thon-1'],
      schedule: { from: '2027-01-01', time, recurrence: { kind: 'daily' } },
      durationMs: 10 * MIN,
    });
    const airings = zoneAirings(
      [daily('ban-tin', 'normal', '06:30'), daily('uu-tien', 'priority', '07:00')],
      'thon-1',
      calendar,
      Date.parse('2027-02-02T00:00:00+07:00'),
      Date.parse('2027-02-13T00:00:00+07:00'),
    );
    const held = (id: string) =>
      airings.filter((a) => a.program.id === id).map((a) => [a.airing.date, a.held ?? 'airs']);
    expect(held('ban-tin')).toEqual([
      ['2027-02-02', 'airs'],
      ['2027-02-03', 'airs'],
      ...['04', '05', '06', '07', '08', '09', '10'].map((d) => [`2027-02-${d}`, 'holiday']),
      ['2027-02-11', 'airs'],
      ['2027-02-12', 'airs'],
    ]);
    expect(held('uu-tien').every(([, status]) => status === 'airs')).toBe(true);
  });

  it('agrees with "on air at t" for any programs and any t', () => {
    const programs = morningPrograms(['thon-1'], 5);
    fc.assert(
      fc.property(programs, fc.integer({ min: at('09:00'), max: at('12:00') }), (list, t) => {
        const segments = timeline(list, 'thon-1', CALENDAR, at('08:30'), at('13:00'));
        const segment = segments.find((s) => s.startMs <= t && t < s.endMs);
        const now = onAir(list, 'thon-1', CALENDAR, t);
        expect(
          segment && { program: segment.program, offsetMs: segment.offsetMs + (t - segment.startMs) },
        ).toEqual(now && { program: now.program, offsetMs: now.offsetMs });
        // Segments follow one another without overlapping.
        for (const [a, b] of segments.slice(1).map((s, i) => [segments[i]!, s] as const)) {
          expect(a.endMs).toBeLessThanOrEqual(b.startMs);
        }
      }),
      { numRuns: 300 },
    );
  });
});
