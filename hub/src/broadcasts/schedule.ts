import { atLocalTime, localTime, minutesOf } from '../config/calendar.ts';
import { WEEKDAYS, type Weekday } from '../config/schema.ts';

/** How often a program airs, in the site's calendar. */
export type Recurrence =
  | { kind: 'once' }
  | { kind: 'daily' }
  /** On the given weekdays of every `every_weeks`-th week (weeks start on Monday), counted from the first day's. */
  | { kind: 'weekly'; days: readonly Weekday[]; every_weeks: number }
  /** At one exact moment, on `from`: an emergency, which airs as soon as it is sent. */
  | { kind: 'at'; at_ms: number };

/**
 * When a program airs, in the site's time zone (lịch phát). Dates are local `YYYY-MM-DD`, times
 * local `HH:mm`.
 */
export type Schedule = {
  /** The first day it may air; also the day of a `once` program. */
  from: string;
  /** The last day it may air (inclusive); none: for as long as it is approved. */
  until?: string;
  /** When the first airing of a day starts. */
  time: string;
  recurrence: Recurrence;
  /** Aired `count` times on each day, `gap_min` minutes between the end of one and the next. */
  repeat?: { count: number; gap_min: number };
};

/** One airing: which day of the schedule and which repeat of that day, and when it runs. */
export type Occurrence = { date: string; index: number; startMs: number; endMs: number };

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** Weeks counted from Monday 29/12/1969: the week a day falls in, Monday to Sunday. */
const weekOf = (day: number) => Math.floor((day + 3) / 7);

/** Whether the schedule airs on a local date. */
export function airsOn(schedule: Schedule, date: string): boolean {
  if (date < schedule.from || (schedule.until !== undefined && date > schedule.until)) return false;
  const { recurrence } = schedule;
  switch (recurrence.kind) {
    case 'once':
    case 'at':
      return date === schedule.from;
    case 'daily':
      return true;
    case 'weekly': {
      const day = dayNumber(date);
      const weekday = WEEKDAYS[new Date(day * DAY_MS).getUTCDay()]!;
      const weeks = weekOf(day) - weekOf(dayNumber(schedule.from));
      return recurrence.days.includes(weekday) && weeks % recurrence.every_weeks === 0;
    }
  }
}

/**
 * Every airing that is on air at some moment of [fromMs, toMs), in order. An airing belongs to the
 * day it starts on, so one that starts at 23:30 and runs to 00:30 is found from either day.
 */
export function occurrences(
  schedule: Schedule,
  durationMs: number,
  timezone: string,
  fromMs: number,
  toMs: number,
): Occurrence[] {
  const { count, gap_min } = schedule.repeat ?? { count: 1, gap_min: 0 };
  const spanMs = count * durationMs + (count - 1) * gap_min * 60_000;
  // A day's airings can only reach [from, to) if the day starts within this reach of it.
  const first = dayNumber(localTime(timezone, new Date(fromMs - spanMs - DAY_MS)).date);
  const last = dayNumber(localTime(timezone, new Date(toMs)).date);
  const found: Occurrence[] = [];
  for (let day = first; day <= last; day++) {
    const date = dateOf(day);
    if (!airsOn(schedule, date)) continue;
    const startOfFirst =
      schedule.recurrence.kind === 'at'
        ? schedule.recurrence.at_ms
        : atLocalTime(timezone, date, minutesOf(schedule.time)).getTime();
    for (let index = 0; index < count; index++) {
      const startMs = startOfFirst + index * (durationMs + gap_min * 60_000);
      const endMs = startMs + durationMs;
      if (endMs > fromMs && startMs < toMs) found.push({ date, index, startMs, endMs });
    }
  }
  return found;
}

/** The airing on air at `atMs`, if any: the one that started last. */
export function occurrenceAt(
  schedule: Schedule,
  durationMs: number,
  timezone: string,
  atMs: number,
): Occurrence | undefined {
  return occurrences(schedule, durationMs, timezone, atMs, atMs + 1).at(-1);
}
