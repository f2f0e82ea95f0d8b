import { type SiteConfig, WEEKDAYS, type Weekday } from './schema.ts';

/** A moment as the commune's wall clock shows it. */
export type LocalTime = { date: string; weekday: Weekday; minutes: number };

/** A moment on the commune's wall clock, each part zero-padded; `offset` like "+07:00". */
export type WallClock = {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  offset: string;
};

const formats = new Map<string, Intl.DateTimeFormat>();

/** The one reading of the site's wall clock that every local date and time is made from. */
export function wallClock(timezone: string, at: Date): WallClock {
  let format = formats.get(timezone);
  if (!format) {
    // en-CA with h23 gives zero-padded YYYY-MM-DD and 00–23 hours; longOffset gives "GMT+07:00".
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formats.set(timezone, format);
  }
  const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const offset = part.timeZoneName === 'GMT' ? '+00:00' : String(part.timeZoneName).slice(3);
  return {
    year: part.year!,
    month: part.month!,
    day: part.day!,
    hour: part.hour!,
    minute: part.minute!,
    second: part.second!,
    offset,
  };
}

/**
 * The local date (YYYY-MM-DD), weekday and minutes since midnight of `at` in `timezone`: office
 * hours, holidays and rosters are all written in the site's time, never UTC (docs/architecture.md).
 *
 * @example
 * localTime('Asia/Ho_Chi_Minh', new Date('2026-01-01T20:00:00Z')); // { date: '2026-01-02', weekday: 'fri', minutes: 180 }
 */
export function localTime(timezone: string, at: Date): LocalTime {
  // Every event asks this (office hours, the roster), and time zones offset by whole minutes: the
  // answers of recent minutes are kept (a burst of queued presses spans a few).
  const minute = Math.floor(at.getTime() / 60_000);
  let minutes = knownMinutes.get(timezone);
  if (!minutes) {
    minutes = new Map();
    knownMinutes.set(timezone, minutes);
  }
  const known = minutes.get(minute);
  if (known) return known;
  const part = wallClock(timezone, at);
  const date = `${part.year}-${part.month}-${part.day}`;
  const weekday = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
  const local = Object.freeze({ date, weekday, minutes: Number(part.hour) * 60 + Number(part.minute) });
  if (minutes.size >= KNOWN_MINUTES) minutes.clear();
  minutes.set(minute, local);
  return local;
}

const KNOWN_MINUTES = 1_440;
const knownMinutes = new Map<string, Map<number, LocalTime>>();

/**
 * Whether a local date (YYYY-MM-DD, e.g. from `localTime`) is a public holiday of the site.
 *
 * @example
 * isHoliday(config, '2026-09-02'); // true
 */
export function isHoliday(config: Pick<SiteConfig, 'holidays'>, dateISO: string): boolean {
  return config.holidays.some((h) => h.from <= dateISO && dateISO <= h.to);
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `at` falls inside the site's office hours: an office day that is not a public holiday,
 * within one of the sessions (start inclusive, end exclusive), in the site's time zone.
 *
 * @example
 * isOfficeTime(config, new Date('2026-11-23T02:00:00Z')); // Monday 09:00 in Hà Nội → true
 */
export function isOfficeTime(
  config: Pick<SiteConfig, 'site' | 'office_hours' | 'holidays'>,
  at: Date,
): boolean {
  // Asked at every press; office hours change by the minute at most.
  const minute = Math.floor(at.getTime() / 60_000);
  let minutes = officeMinutes.get(config);
  if (!minutes) {
    minutes = new Map();
    officeMinutes.set(config, minutes);
  }
  let office = minutes.get(minute);
  if (office === undefined) {
    const local = localTime(config.site.timezone, at);
    office =
      config.office_hours.days.includes(local.weekday) &&
      !isHoliday(config, local.date) &&
      config.office_hours.sessions.some(
        (s) => minutesOf(s.start) <= local.minutes && local.minutes < minutesOf(s.end),
      );
    if (minutes.size >= KNOWN_MINUTES) minutes.clear();
    minutes.set(minute, office);
  }
  return office;
}

const officeMinutes = new WeakMap<object, Map<number, boolean>>();

/**
 * The instant a local date (YYYY-MM-DD) begins in `timezone`.
 *
 * @example
 * startOfLocalDay('Asia/Ho_Chi_Minh', '2026-11-23'); // 2026-11-22T17:00:00.000Z
 */
export function startOfLocalDay(timezone: string, date: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const local = localTime(timezone, new Date(guess));
  // How far the zone's wall clock is ahead of UTC at that moment.
  const offsetMs = Date.parse(`${local.date}T00:00:00Z`) + local.minutes * 60_000 - guess;
  return new Date(guess - offsetMs);
}
