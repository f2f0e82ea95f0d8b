import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import {
  attendanceOn,
  type Change,
  type DeskState,
  emptySpells,
  officeIntervals,
  stateAt,
} from '../hub/src/presence/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';

// The desk timeline against the example commune's calendar: sessions 07:30–11:30 and 13:30–17:00,
// Monday to Friday, holidays from the site config, in Hà Nội time.

const config = loadSiteConfig(EXAMPLE_CONFIG);
const at = (local: string) => Date.parse(`${local}+07:00`);
const timeline = (...entries: Array<[string, DeskState]>): Change[] =>
  entries.map(([local, state]) => ({ timeMs: at(local), state }));
const FIFTEEN_MIN = 15 * 60_000;

describe('desk state', () => {
  it('is unknown until the sensor reports, then the last report, since the run began', () => {
    const changes = timeline(
      ['2026-11-23T07:20:00', 'present'],
      ['2026-11-23T08:00:00', 'present'], // a repeated report (after a reconnect) is not a change
      ['2026-11-23T09:00:00', 'absent'],
    );
    expect(stateAt(changes, at('2026-11-23T07:00:00'))).toEqual({ state: 'unknown', sinceMs: null });
    expect(stateAt(changes, at('2026-11-23T08:30:00'))).toEqual({
      state: 'present',
      sinceMs: at('2026-11-23T07:20:00'),
    });
    expect(stateAt(changes, at('2026-11-23T09:00:00')).state).toBe('absent');
  });

  it('turns unknown when the sensor goes offline, and known again at its next report', () => {
    const changes = timeline(
      ['2026-11-23T07:30:00', 'present'],
      ['2026-11-23T10:00:00', 'unknown'],
      ['2026-11-23T10:20:00', 'present'],
    );
    expect(stateAt(changes, at('2026-11-23T10:10:00')).state).toBe('unknown');
    expect(stateAt(changes, at('2026-11-23T10:30:00'))).toEqual({
      state: 'present',
      sinceMs: at('2026-11-23T10:20:00'),
    });
  });
});

describe('office time', () => {
  it('skips the lunch break, weekends and public holidays', () => {
    const minutes = (from: string, to: string) =>
      officeIntervals(config, at(from), at(to)).reduce((sum, i) => sum + i.toMs - i.fromMs, 0) / 60_000;
    expect(minutes('2026-11-23T00:00:00', '2026-11-24T00:00:00')).toBe(450); // a Monday: 240 + 210
    expect(minutes('2026-11-23T11:00:00', '2026-11-23T14:00:00')).toBe(60); // across lunch
    expect(minutes('2026-11-21T00:00:00', '2026-11-23T00:00:00')).toBe(0); // Saturday and Sunday
    expect(minutes('2026-09-02T00:00:00', '2026-09-03T00:00:00')).toBe(0); // Quốc khánh
  });
});

describe('attendance of a day', () => {
  const day = '2026-11-23';
  const endOfDay = at('2026-11-24T00:00:00');

  it('counts staffed, absent and unknown minutes inside office hours only', () => {
    const changes = timeline(
      ['2026-11-23T07:10:00', 'present'], // early: counts from 07:30
      ['2026-11-23T10:00:00', 'absent'],
      ['2026-11-23T10:40:00', 'present'],
      ['2026-11-23T11:20:00', 'absent'], // leaves for lunch 10 min early
      ['2026-11-23T13:45:00', 'present'], // back 15 min late
      ['2026-11-23T15:00:00', 'unknown'], // sensor offline
      ['2026-11-23T15:30:00', 'present'],
      ['2026-11-23T17:30:00', 'absent'], // after hours: no effect
    );
    expect(attendanceOn(changes, config, day, endOfDay)).toEqual({
      date: day,
      office_min: 450,
      staffed_min: 150 + 40 + 75 + 90,
      absent_min: 40 + 10 + 15,
      unknown_min: 30,
      first_arrival: new Date(at('2026-11-23T07:10:00')).toISOString(),
      longest_absence_min: 40,
      longest_absence_from: new Date(at('2026-11-23T10:00:00')).toISOString(),
    });
  });

  it('counts an absence across the lunch break on both sides as one', () => {
    const changes = timeline(
      ['2026-11-23T07:30:00', 'present'],
      ['2026-11-23T11:00:00', 'absent'],
      ['2026-11-23T14:00:00', 'present'],
    );
    expect(attendanceOn(changes, config, day, endOfDay)).toMatchObject({
      staffed_min: 210 + 180,
      absent_min: 60,
      longest_absence_min: 60,
      longest_absence_from: new Date(at('2026-11-23T11:00:00')).toISOString(),
    });
  });

  it('starts a day whose sensor is offline as unknown, until its first report', () => {
    const changes = timeline(
      ['2026-11-22T17:00:00', 'unknown'], // went offline on Sunday
      ['2026-11-23T09:00:00', 'present'],
    );
    expect(attendanceOn(changes, config, day, endOfDay)).toMatchObject({
      staffed_min: 450 - 90,
      unknown_min: 90,
      absent_min: 0,
      first_arrival: new Date(at('2026-11-23T09:00:00')).toISOString(),
    });
  });

  it('carries the state over midnight and counts a day still running up to now', () => {
    const changes = timeline(['2026-11-20T16:00:00', 'absent']); // left on Friday, not back
    expect(attendanceOn(changes, config, day, at('2026-11-23T08:30:00'))).toMatchObject({
      office_min: 60,
      absent_min: 60,
      staffed_min: 0,
      first_arrival: null,
      longest_absence_min: 60,
      longest_absence_from: new Date(at('2026-11-23T00:00:00')).toISOString(),
    });
  });

  it('has no office minutes on a holiday, whatever the sensor saw', () => {
    const changes = timeline(['2026-09-02T08:00:00', 'absent']);
    expect(attendanceOn(changes, config, '2026-09-02', at('2026-09-03T00:00:00'))).toMatchObject({
      office_min: 0,
      absent_min: 0,
      longest_absence_min: 0,
      longest_absence_from: null,
    });
  });
});

describe('empty-desk spells', () => {
  const spells = (changes: Change[], now: string) =>
    emptySpells(changes, config, FIFTEEN_MIN, at(now)).map((s) => ({
      since: new Date(s.sinceMs).toISOString(),
      raised: new Date(s.raisedAtMs).toISOString(),
      cleared: s.clearedAtMs === null ? null : new Date(s.clearedAtMs).toISOString(),
    }));
  const iso = (local: string) => new Date(at(local)).toISOString();

  it('raises after the set time of office absence, cleared when staffed again', () => {
    const changes = timeline(
      ['2026-11-23T07:30:00', 'present'],
      ['2026-11-23T09:00:00', 'absent'],
      ['2026-11-23T09:10:00', 'present'], // 10 min: no alert
      ['2026-11-23T09:30:00', 'absent'],
      ['2026-11-23T10:00:00', 'present'],
    );
    expect(spells(changes, '2026-11-23T12:00:00')).toEqual([
      {
        since: iso('2026-11-23T09:30:00'),
        raised: iso('2026-11-23T09:45:00'),
        cleared: iso('2026-11-23T10:00:00'),
      },
    ]);
  });

  it('does not count the lunch break, the night or a weekend', () => {
    const changes = timeline(
      ['2026-11-20T11:25:00', 'absent'], // Friday, 5 min before lunch
      ['2026-11-20T13:35:00', 'present'], // back 5 min after: 10 office minutes
      ['2026-11-20T16:55:00', 'absent'], // leaves on Friday afternoon
    );
    expect(spells(changes, '2026-11-23T08:00:00')).toEqual([
      // 5 min on Friday, then 10 on Monday morning
      { since: iso('2026-11-20T16:55:00'), raised: iso('2026-11-23T07:40:00'), cleared: null },
    ]);
    expect(spells(changes, '2026-11-23T07:39:00')).toEqual([]);
  });

  it('does not raise for an unknown desk, and keeps one spell when the sensor drops out of an absence', () => {
    const changes = timeline(
      ['2026-11-23T08:00:00', 'unknown'],
      ['2026-11-23T09:00:00', 'absent'],
      ['2026-11-23T09:20:00', 'unknown'],
      ['2026-11-23T09:25:00', 'absent'],
      ['2026-11-23T10:00:00', 'present'],
    );
    expect(spells(changes, '2026-11-23T12:00:00')).toEqual([
      {
        since: iso('2026-11-23T09:00:00'),
        raised: iso('2026-11-23T09:15:00'),
        cleared: iso('2026-11-23T10:00:00'),
      },
    ]);
  });

  it('raises nothing on a public holiday', () => {
    expect(spells(timeline(['2026-09-02T07:00:00', 'absent']), '2026-09-02T17:00:00')).toEqual([]);
  });
});
