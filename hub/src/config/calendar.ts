import { type Holiday, type SiteConfig, WEEKDAYS, type Weekday } from './schema.ts';

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
  // Every event asks this (office hours, the roster), and time zones offset by whole minutes.
  return byMinute(localTimes, timezone, at, () => {
    // The wall clock as a UTC date, whose UTC fields are the site's.
    const wall = new Date(at.getTime() + hourOffsetMinutes(timezone, at) * 60_000);
    return Object.freeze({
      date: wall.toISOString().slice(0, 10),
      weekday: WEEKDAYS[wall.getUTCDay()]!,
      minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
    });
  });
}

const localTimes = new Map<string, Map<number, LocalTime>>();

/**
 * The zone's offset from UTC at `at`, kept per hour of UTC: reading it (Intl) costs tens of µs,
 * and a queue of presses drained after an outage asks for a new minute with nearly every press.
 * An hour whose two ends differ holds a change of offset (kept as null), and is read at each
 * moment asked.
 */
function hourOffsetMinutes(timezone: string, at: Date): number {
  const hour = Math.floor(at.getTime() / HOUR_MS);
  const steady = kept(hourOffsets, timezone, hour, 10_000, () => {
    const start = utcOffsetMinutes(timezone, new Date(hour * HOUR_MS));
    return utcOffsetMinutes(timezone, new Date((hour + 1) * HOUR_MS - 1)) === start ? start : null;
  });
  return steady ?? utcOffsetMinutes(timezone, at);
}

const HOUR_MS = 3_600_000;
const hourOffsets = new Map<string, Map<number, number | null>>();

/**
 * The answer for the minute of `at`, kept per `key` for the last day's minutes asked about: a
 * burst of presses, queued ones included, spans a few minutes, and every press asks.
 */
function byMinute<K, T>(answers: Answers<K, T>, key: K, at: Date, answer: () => T): T {
  return kept(answers, key, Math.floor(at.getTime() / 60_000), 1_440, answer);
}

type Answers<K, T> = { get(key: K): Map<number, T> | undefined; set(key: K, value: Map<number, T>): unknown };

/** The answer for `slot` (a minute, an hour), kept per `key` for the last `limit` slots asked about. */
function kept<K, T>(answers: Answers<K, T>, key: K, slot: number, limit: number, answer: () => T): T {
  let slots = answers.get(key);
  if (!slots) {
    slots = new Map();
    answers.set(key, slots);
  }
  let known = slots.get(slot);
  if (known === undefined) {
    known = answer();
    if (slots.size >= limit) slots.clear();
    slots.set(slot, known);
  }
  return known;
}

/**
 * Whether a local date (YYYY-MM-DD, e.g. from `localTime`) is a public holiday of the site.
 *
 * @example
 * isHoliday(config, '2026-09-02'); // true
 */
export function isHoliday(config: { holidays: readonly Holiday[] }, dateISO: string): boolean {
  return config.holidays.some((h) => h.from <= dateISO && dateISO <= h.to);
}

/** Minutes after midnight of a local time "HH:MM". */
export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

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
  // Office hours change by the minute at most.
  return byMinute(officeMinutes, config, at, () => {
    const local = localTime(config.site.timezone, at);
    return (
      config.office_hours.days.includes(local.weekday) &&
      !isHoliday(config, local.date) &&
      config.office_hours.sessions.some(
        (s) => minutesOf(s.start) <= local.minutes && local.minutes < minutesOf(s.end),
      )
    );
  });
}

const officeMinutes = new WeakMap<object, Map<number, boolean>>();

/**
 * The instant a local date (YYYY-MM-DD) begins in `timezone`.
 *
 * @example
 * startOfLocalDay('Asia/Ho_Chi_Minh', '2026-11-23'); // 2026-11-22T17:00:00.000Z
 */
export function startOfLocalDay(timezone: string, date: string): Date {
  return atLocalTime(timezone, date, 0);
}

/**
 * The instant the site's wall clock shows `minutes` after midnight of a local date (YYYY-MM-DD).
 *
 * @example
 * atLocalTime('Asia/Ho_Chi_Minh', '2026-11-23', 23 * 60 + 30); // 2026-11-23T16:30:00.000Z
 */
export function atLocalTime(timezone: string, date: string, minutes: number): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const local = localTime(timezone, new Date(guess));
  // How far the zone's wall clock is ahead of UTC at that moment.
  const offsetMs = Date.parse(`${local.date}T00:00:00Z`) + local.minutes * 60_000 - guess;
  return new Date(guess - offsetMs);
}

/**
 * An instant as the site's wall clock reads it, with the offset: "2026-11-20T08:00:00+07:00".
 * Answers give instants this way so they read like the dates next to them (site time).
 */
export function siteIso(timezone: string, ms: number): string {
  const part = wallClock(timezone, new Date(ms));
  const millis = ms % 1000 === 0 ? '' : `.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}${millis}${part.offset}`;
}

/** How far the site's clock is ahead of UTC at a moment, in minutes (+420 in Việt Nam). */
export function utcOffsetMinutes(timezone: string, at: Date): number {
  const { offset } = wallClock(timezone, at);
  const [, sign, hours, minutes] = /^([+-])(\d{2}):(\d{2})$/.exec(offset) ?? ['', '+', '00', '00'];
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}
