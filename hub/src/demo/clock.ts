import { localTime } from '../config/index.ts';
import { type Interval, nextDate, type OfficeCalendar, officeSessions } from '../presence/index.ts';

/**
 * How much of a working day the demo shows around its office sessions: officials arrive before the
 * first session opens and leave after the last one ends. The lunch break between sessions is shown.
 */
const DEFAULT_MARGIN_MS = 20 * 60_000;

/** A calendar with no office day in this long is not a calendar a demo can play. */
const SEARCH_DAYS = 400;

/** The part of a local date (YYYY-MM-DD) the demo shows: none on a day off or a public holiday. */
export function shownDay(calendar: OfficeCalendar, date: string, marginMs: number): Interval | undefined {
  const sessions = officeSessions(calendar, date);
  if (sessions.length === 0) return undefined;
  return {
    fromMs: Math.min(...sessions.map((s) => s.fromMs)) - marginMs,
    toMs: Math.max(...sessions.map((s) => s.toMs)) + marginMs,
  };
}

/** The shown day that contains `atMs`, or else the next one: nights, weekends and holidays are skipped. */
export function shownDayFrom(calendar: OfficeCalendar, atMs: number, marginMs: number): Interval {
  let date = localTime(calendar.site.timezone, new Date(atMs)).date;
  for (let day = 0; day < SEARCH_DAYS; day++, date = nextDate(date)) {
    const shown = shownDay(calendar, date, marginMs);
    if (shown && atMs < shown.toMs) return shown;
  }
  throw new Error(`no office day within ${SEARCH_DAYS} days of ${new Date(atMs).toISOString()}`);
}

/**
 * Where demo time stands after `shownMs` more of it has been shown from `fromMs`. Only shown days
 * take time: reaching the end of one lands at the start of the next, never in between.
 */
export function advance(calendar: OfficeCalendar, fromMs: number, shownMs: number, marginMs: number): number {
  let day = shownDayFrom(calendar, fromMs, marginMs);
  let at = Math.max(fromMs, day.fromMs);
  let left = shownMs;
  while (at + left >= day.toMs) {
    left -= day.toMs - at;
    day = shownDayFrom(calendar, day.toMs, marginMs);
    at = day.fromMs;
  }
  return at + left;
}

/** A minute between what an earlier run stored and where this one starts: its own, unmistakably later. */
const RESUME_GAP_MS = 60_000;

/**
 * Where a demo run starts: the opening of today's shown day while it is not over (else the next
 * working day's), but never before what an earlier run stored, since the hub keeps timelines in
 * event time and a clock that went back would write into their past.
 */
export function demoStart(
  calendar: OfficeCalendar,
  wallNowMs: number,
  storedUntilMs: number | undefined,
  marginMs = DEFAULT_MARGIN_MS,
): number {
  const opening = shownDayFrom(calendar, wallNowMs, marginMs).fromMs;
  const from = storedUntilMs === undefined ? opening : Math.max(opening, storedUntilMs + RESUME_GAP_MS);
  return Math.max(from, shownDayFrom(calendar, from, marginMs).fromMs);
}

export type DemoClockOptions = {
  calendar: OfficeCalendar;
  /** Demo time per real time while a day is shown. */
  speed: number;
  startMs: number;
  marginMs?: number;
  /** Real milliseconds from any origin; monotonic, so that setting the system clock moves nothing. */
  realMs?: () => number;
};

/**
 * The demo's own clock: stands at its start until `start()`, then runs `speed` times faster than
 * real time through each shown working day and jumps over nights, weekends and holidays. It never
 * goes back: the hub and the simulated devices share it, and the hub keeps presence timelines in
 * event time.
 */
export class DemoClock {
  readonly speed: number;
  readonly #calendar: OfficeCalendar;
  readonly #marginMs: number;
  readonly #realMs: () => number;
  /** A real moment and the demo moment it was: the clock runs on from there. */
  #anchorReal: number;
  #anchorDemo: number;
  /** The shown day of the anchor; inside it, demo time is plain multiplication. */
  #day: Interval;
  #running = false;

  constructor(options: DemoClockOptions) {
    this.speed = options.speed;
    this.#calendar = options.calendar;
    this.#marginMs = options.marginMs ?? DEFAULT_MARGIN_MS;
    this.#realMs = options.realMs ?? (() => performance.now());
    this.#anchorReal = this.#realMs();
    this.#day = shownDayFrom(this.#calendar, options.startMs, this.#marginMs);
    this.#anchorDemo = Math.max(options.startMs, this.#day.fromMs);
  }

  /**
   * Set the clock going. Until then it stands at its start: the demo's day begins once the hub, its
   * devices and its programs are ready, however long a slow machine takes to get them there.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#anchorReal = this.#realMs();
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    if (!this.#running) return Math.floor(this.#anchorDemo);
    const real = this.#realMs();
    const demo = this.#anchorDemo + Math.max(0, real - this.#anchorReal) * this.speed;
    // The hub reads the clock for every message: the arithmetic of the calendar only at a day's end.
    if (demo < this.#day.toMs) return Math.floor(demo);
    this.#anchorDemo = advance(this.#calendar, this.#anchorDemo, demo - this.#anchorDemo, this.#marginMs);
    this.#anchorReal = real;
    this.#day = shownDayFrom(this.#calendar, this.#anchorDemo, this.#marginMs);
    return Math.floor(this.#anchorDemo);
  }
}
