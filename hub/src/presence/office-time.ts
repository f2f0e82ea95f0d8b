import { isHoliday, localTime, minutesOf, type SiteConfig, startOfLocalDay } from '../config/index.ts';

export type Interval = { fromMs: number; toMs: number };

export type OfficeCalendar = Pick<SiteConfig, 'site' | 'office_hours' | 'holidays'>;

const DAY_MS = 86_400_000;

/** The local date after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** The local date before `date` (YYYY-MM-DD). */
export function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/**
 * The office sessions of one local date as instants: none on a day off or a public holiday
 * (docs/presence.md). The lunch break is the gap between two sessions.
 */
export function officeSessions(calendar: OfficeCalendar, date: string): Interval[] {
  const dayStart = startOfLocalDay(calendar.site.timezone, date).getTime();
  const weekday = localTime(calendar.site.timezone, new Date(dayStart)).weekday;
  if (!calendar.office_hours.days.includes(weekday) || isHoliday(calendar, date)) return [];
  return calendar.office_hours.sessions.map((s) => ({
    fromMs: dayStart + minutesOf(s.start) * 60_000,
    toMs: dayStart + minutesOf(s.end) * 60_000,
  }));
}

/** Office sessions overlapping [fromMs, toMs), clipped to it, in time order. */
export function officeIntervals(calendar: OfficeCalendar, fromMs: number, toMs: number): Interval[] {
  const intervals: Interval[] = [];
  if (toMs <= fromMs) return intervals;
  const last = localTime(calendar.site.timezone, new Date(toMs)).date;
  for (
    let date = localTime(calendar.site.timezone, new Date(fromMs)).date;
    date <= last;
    date = nextDate(date)
  ) {
    for (const s of officeSessions(calendar, date)) {
      const clipped = { fromMs: Math.max(s.fromMs, fromMs), toMs: Math.min(s.toMs, toMs) };
      if (clipped.fromMs < clipped.toMs) intervals.push(clipped);
    }
  }
  return intervals;
}

/**
 * The instant at which `durationMs` of office time has passed since `fromMs`, if that is before
 * `untilMs`; undefined when it has not passed by then.
 */
export function afterOfficeTime(
  calendar: OfficeCalendar,
  fromMs: number,
  durationMs: number,
  untilMs: number,
): number | undefined {
  let left = durationMs;
  let date = localTime(calendar.site.timezone, new Date(fromMs)).date;
  const last = localTime(calendar.site.timezone, new Date(untilMs)).date;
  for (; date <= last; date = nextDate(date)) {
    for (const s of officeSessions(calendar, date)) {
      const start = Math.max(s.fromMs, fromMs);
      if (start >= s.toMs) continue;
      if (start + left <= s.toMs) return start + left < untilMs ? start + left : undefined;
      left -= s.toMs - start;
    }
  }
  return undefined;
}
