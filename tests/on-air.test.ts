import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  heldBecause,
  onAir,
  type RadioCalendar,
  type ScheduledProgram,
  TIERS,
} from '../hub/src/broadcasts/on-air.ts';
import { morningPrograms } from './helpers/radio-programs.ts';

// What a zone airs at a moment: the highest tier, preemption and resume at the offset where it was cut.

const CALENDAR = { timezone: 'Asia/Ho_Chi_Minh', holidays: [], quietHours: [] };
const MIN = 60_000;
const at = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00+07:00`);
const program = (
  id: string,
  tier: ScheduledProgram['tier'],
  time: string,
  minutes: number,
  zones = ['thon-1'],
) => ({
  id,
  tier,
  zones,
  schedule: { from: '2026-11-23', time, recurrence: { kind: 'once' as const } },
  durationMs: minutes * MIN,
});
const airing = (
  programs: ScheduledProgram[],
  hhmm: string,
  zone = 'thon-1',
  calendar: RadioCalendar = CALENDAR,
) => {
  const now = onAir(programs, zone, calendar, at(hhmm));
  return now && { program: now.program, offset_min: now.offsetMs / MIN };
};

describe('on air', () => {
  it('airs a program in its zones during its slot, at the offset of the moment', () => {
    const programs = [program('ban-tin', 'normal', '10:00', 30)];
    expect(airing(programs, '10:00')).toEqual({ program: 'ban-tin', offset_min: 0 });
    expect(airing(programs, '10:12')).toEqual({ program: 'ban-tin', offset_min: 12 });
    expect(airing(programs, '10:30')).toBeUndefined();
    expect(airing(programs, '09:59')).toBeUndefined();
    expect(airing(programs, '10:12', 'thon-2')).toBeUndefined();
  });

  it('lets a higher tier preempt, and resumes the preempted one where it was cut while its slot lasts', () => {
    const programs = [program('ban-tin', 'normal', '10:00', 30), program('uu-tien', 'priority', '10:10', 5)];
    expect(airing(programs, '10:09')).toEqual({ program: 'ban-tin', offset_min: 9 });
    expect(airing(programs, '10:12')).toEqual({ program: 'uu-tien', offset_min: 2 });
    expect(airing(programs, '10:15')).toEqual({ program: 'ban-tin', offset_min: 10 });
    expect(airing(programs, '10:29')).toEqual({ program: 'ban-tin', offset_min: 24 });
    expect(airing(programs, '10:30')).toBeUndefined(); // its slot is over: the last 5 minutes never air
  });

  it('puts an emergency over everything, then the others in their order', () => {
    const programs = [
      program('ban-tin', 'normal', '10:00', 30),
      program('uu-tien', 'priority', '10:05', 10),
      program('khan-cap', 'emergency', '10:07', 2, ['thon-1', 'thon-2']),
    ];
    expect(airing(programs, '10:08')).toEqual({ program: 'khan-cap', offset_min: 1 });
    expect(airing(programs, '10:08', 'thon-2')).toEqual({ program: 'khan-cap', offset_min: 1 });
    expect(airing(programs, '10:09')).toEqual({ program: 'uu-tien', offset_min: 2 });
    expect(airing(programs, '10:20')).toEqual({ program: 'ban-tin', offset_min: 10 }); // held 10:05–10:15
  });

  it('keeps the air for the airing begun first within a tier; the other starts from its beginning after', () => {
    const programs = [program('a', 'normal', '10:00', 30), program('b', 'normal', '10:20', 30)];
    expect(airing(programs, '10:25')).toEqual({ program: 'a', offset_min: 25 });
    expect(airing(programs, '10:35')).toEqual({ program: 'b', offset_min: 5 });
  });

  it('holds normal programs in quiet hours, across midnight too, and on public holidays; not the others', () => {
    const calendar: RadioCalendar = {
      ...CALENDAR,
      quietHours: [
        { start: '11:30', end: '13:30' },
        { start: '21:00', end: '05:30' },
      ],
      holidays: [{ name: 'Quốc khánh', from: '2026-09-02', to: '2026-09-02' }],
    };
    const noon = [program('ban-tin', 'normal', '12:00', 10), program('uu-tien', 'priority', '12:30', 10)];
    expect(airing(noon, '12:05', 'thon-1', calendar)).toBeUndefined();
    expect(airing(noon, '12:35', 'thon-1', calendar)).toEqual({ program: 'uu-tien', offset_min: 5 });
    const slot = (date: string, hhmm: string) => ({
      date,
      index: 0,
      startMs: Date.parse(`${date}T${hhmm}:00+07:00`),
      endMs: Date.parse(`${date}T${hhmm}:00+07:00`) + 10 * MIN,
    });
    expect(heldBecause('normal', slot('2026-11-23', '23:00'), calendar)).toBe('quiet-hours');
    expect(heldBecause('normal', slot('2026-11-24', '05:00'), calendar)).toBe('quiet-hours');
    expect(heldBecause('normal', slot('2026-11-24', '05:30'), calendar)).toBeUndefined();
    expect(heldBecause('normal', slot('2026-09-02', '08:00'), calendar)).toBe('holiday');
    expect(heldBecause('emergency', slot('2026-09-02', '23:00'), calendar)).toBeUndefined();
  });

  it('always airs one that is in its slot and outranked by none, at an offset within what has elapsed', () => {
    const programs = morningPrograms(['thon-1', 'thon-2'], 6);
    fc.assert(
      fc.property(programs, fc.integer({ min: at('08:30'), max: at('13:00') }), (list, t) => {
        const now = onAir(list, 'thon-1', CALENDAR, t);
        const inSlot = list.filter((p) => {
          const start = at(p.schedule.time);
          return p.zones.includes('thon-1') && start <= t && t < start + p.durationMs;
        });
        if (inSlot.length === 0) {
          expect(now).toBeUndefined();
          return;
        }
        expect(now).toBeDefined();
        const top = Math.max(...inSlot.map((p) => TIERS.indexOf(p.tier)));
        expect(TIERS.indexOf(now!.tier)).toBe(top);
        expect(now!.offsetMs).toBeGreaterThanOrEqual(0);
        expect(now!.offsetMs).toBeLessThanOrEqual(t - now!.airing.startMs);
      }),
      { numRuns: 500 },
    );
  });
});
