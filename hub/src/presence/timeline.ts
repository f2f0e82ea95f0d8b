import { startOfLocalDay } from '../config/index.ts';
import {
  afterOfficeTime,
  type Interval,
  nextDate,
  type OfficeCalendar,
  officeIntervals,
} from './office-time.ts';

/**
 * A desk is present (staffed), absent, or unknown: its sensor is offline, or has not yet said
 * what it sees (docs/presence.md).
 */
export const DESK_STATES = ['present', 'absent', 'unknown'] as const;
export type DeskState = (typeof DESK_STATES)[number];

/** One entry of a desk's timeline: from `timeMs` on, the desk is `state`. */
export type Change = { timeMs: number; state: DeskState };

/** A stretch of time in one state; `fromMs` is -Infinity before the first change. */
export type Run = { state: DeskState; fromMs: number; toMs: number };

/**
 * The timeline as runs of one state up to `untilMs`. `changes` are in time order (ties in the
 * order they were recorded); a report that repeats the state does not start a new run, so the run's
 * start is "since when" the desk has been so.
 */
export function runsOf(changes: readonly Change[], untilMs: number): Run[] {
  const runs: Run[] = [{ state: 'unknown', fromMs: Number.NEGATIVE_INFINITY, toMs: untilMs }];
  for (const change of changes) {
    if (change.timeMs >= untilMs) break;
    const current = runs[runs.length - 1]!;
    if (change.state === current.state) continue;
    current.toMs = change.timeMs;
    runs.push({ state: change.state, fromMs: change.timeMs, toMs: untilMs });
  }
  return runs.filter((run) => run.toMs > run.fromMs);
}

/** The desk's state at `atMs`, and since when (null: never reported). */
export function stateAt(
  changes: readonly Change[],
  atMs: number,
): { state: DeskState; sinceMs: number | null } {
  const runs = runsOf(changes, atMs + 1);
  const last = runs[runs.length - 1]!;
  return { state: last.state, sinceMs: Number.isFinite(last.fromMs) ? last.fromMs : null };
}

/** Attendance of one desk on one local day (chấm công theo quầy), counted inside office hours. */
export type DayAttendance = {
  date: string;
  /** Office minutes of the day so far; staffed + absent + unknown add up to it. */
  office_min: number;
  staffed_min: number;
  absent_min: number;
  /** Minutes the sensor was offline or silent: neither staffed nor known to be empty. */
  unknown_min: number;
  /** When the desk was first staffed that day (any hour), ISO; null if never. */
  first_arrival: string | null;
  /** The longest absence, in office minutes: an absence across the lunch break counts both sides. */
  longest_absence_min: number;
  longest_absence_from: string | null;
};

const overlapMs = (run: Run, intervals: readonly Interval[]) =>
  intervals.reduce(
    (sum, i) => sum + Math.max(0, Math.min(run.toMs, i.toMs) - Math.max(run.fromMs, i.fromMs)),
    0,
  );

const minutes = (ms: number) => Math.round(ms / 60_000);

/** Attendance of a desk on local `date`, up to `nowMs` for a day still running. */
export function attendanceOn(
  changes: readonly Change[],
  calendar: OfficeCalendar,
  date: string,
  nowMs: number,
): DayAttendance {
  const dayStart = startOfLocalDay(calendar.site.timezone, date).getTime();
  const end = Math.min(startOfLocalDay(calendar.site.timezone, nextDate(date)).getTime(), nowMs);
  const office = officeIntervals(calendar, dayStart, end);
  const runs = runsOf(changes, end)
    .map((run) => ({ ...run, fromMs: Math.max(run.fromMs, dayStart) }))
    .filter((run) => run.toMs > run.fromMs);
  const byState = { present: 0, absent: 0, unknown: 0 };
  let longest: { ms: number; fromMs: number } | undefined;
  for (const run of runs) {
    const ms = overlapMs(run, office);
    byState[run.state] += ms;
    if (run.state === 'absent' && ms > 0 && ms > (longest?.ms ?? 0)) longest = { ms, fromMs: run.fromMs };
  }
  const arrival = runs.find((run) => run.state === 'present');
  return {
    date,
    office_min: minutes(office.reduce((sum, i) => sum + i.toMs - i.fromMs, 0)),
    staffed_min: minutes(byState.present),
    absent_min: minutes(byState.absent),
    unknown_min: minutes(byState.unknown),
    first_arrival: arrival ? new Date(arrival.fromMs).toISOString() : null,
    longest_absence_min: minutes(longest?.ms ?? 0),
    longest_absence_from: longest ? new Date(longest.fromMs).toISOString() : null,
  };
}

/** A stretch in which a desk stood empty too long in office hours (bàn trống), and when it ended. */
export type EmptySpell = { sinceMs: number; raisedAtMs: number; clearedAtMs: number | null };

/**
 * Every time the desk was absent for `thresholdMs` of office time (the lunch break and days off do
 * not count), up to `nowMs`. An alert is raised at that instant and cleared when the desk is next
 * staffed. An unknown stretch ends the count (no one knows the desk is empty) but does not clear:
 * one spell per absence until someone is back.
 */
export function emptySpells(
  changes: readonly Change[],
  calendar: OfficeCalendar,
  thresholdMs: number,
  nowMs: number,
): EmptySpell[] {
  const runs = runsOf(changes, nowMs);
  const spells: EmptySpell[] = [];
  runs.forEach((run, i) => {
    if (run.state !== 'absent') return;
    const raisedAtMs = afterOfficeTime(calendar, run.fromMs, thresholdMs, run.toMs);
    if (raisedAtMs === undefined) return;
    const staffedAgain = runs.slice(i + 1).find((later) => later.state === 'present');
    const clearedAtMs = staffedAgain?.fromMs ?? null;
    if (spells.at(-1)?.clearedAtMs === clearedAtMs) return; // the same absence, after an unknown stretch
    spells.push({ sinceMs: run.fromMs, raisedAtMs, clearedAtMs });
  });
  return spells;
}
