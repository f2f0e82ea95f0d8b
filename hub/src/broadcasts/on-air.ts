import { isHoliday, localTime, minutesOf } from '../config/calendar.ts';
import type { Holiday, SiteConfig } from '../config/schema.ts';
import { type Occurrence, occurrences, type Schedule } from './schedule.ts';

/** Bulletin tiers of Thông tư 39/2020/TT-BTTTT, lowest first: a higher one preempts a lower one. */
export const TIERS = ['normal', 'priority', 'emergency'] as const;
export type Tier = (typeof TIERS)[number];

/** A program as the on-air engine sees it: approved, with the length of its content. */
export type ScheduledProgram = {
  id: string;
  tier: Tier;
  zones: readonly string[];
  schedule: Schedule;
  durationMs: number;
  /** Airs only from this moment (its approval): an airing that began before is not its to air. */
  fromMs?: number;
  /** Chosen to air over the programs of its tier it overlaps ("override" when written). */
  overrides?: boolean;
};

/** The airings of `program` on air at some moment of [fromMs, toMs), from its approval on. */
export function airingsOf(
  program: ScheduledProgram,
  timezone: string,
  fromMs: number,
  toMs: number,
): Occurrence[] {
  const found = occurrences(program.schedule, program.durationMs, timezone, fromMs, toMs);
  return program.fromMs === undefined ? found : found.filter((a) => a.startMs >= program.fromMs!);
}

/** The site's calendar as the radio reads it (the site config's time zone, holidays, quiet hours). */
export type RadioCalendar = {
  timezone: string;
  holidays: readonly Holiday[];
  quietHours: ReadonlyArray<{ start: string; end: string }>;
};

/** The radio's calendar of a site config. */
export const radioCalendar = (config: SiteConfig): RadioCalendar => ({
  timezone: config.site.timezone,
  holidays: config.holidays,
  quietHours: config.broadcast.quiet_hours,
});

/** Why a normal airing is held rather than aired (logged as held), if it is. */
export type HeldBecause = 'quiet-hours' | 'holiday';

/** What a zone airs at a moment: which airing of which program, and how far into its content. */
export type OnAir = { program: string; tier: Tier; airing: Occurrence; offsetMs: number };

const rank = (tier: Tier) => TIERS.indexOf(tier);

/**
 * A normal airing that starts in quiet hours or on a public holiday is held; priority and
 * emergency airings always air. A quiet spell may cross midnight.
 */
export function heldBecause(
  tier: Tier,
  airing: Occurrence,
  calendar: RadioCalendar,
): HeldBecause | undefined {
  if (tier !== 'normal') return undefined;
  const start = localTime(calendar.timezone, new Date(airing.startMs));
  if (isHoliday(calendar, start.date)) return 'holiday';
  const quiet = calendar.quietHours.some(({ start: from, end: to }) => {
    const [a, b] = [minutesOf(from), minutesOf(to)];
    return a < b ? a <= start.minutes && start.minutes < b : start.minutes >= a || start.minutes < b;
  });
  return quiet ? 'quiet-hours' : undefined;
}

/** An airing of a program: what competes for a zone's air. */
export type Airing = { program: ScheduledProgram; airing: Occurrence };

/**
 * Whether `a` holds the air over `b`: a higher tier; within a tier, the one written to override,
 * else the one begun first.
 */
const outranks = (a: Airing, b: Airing) =>
  rank(a.program.tier) - rank(b.program.tier) ||
  Number(a.program.overrides ?? false) - Number(b.program.overrides ?? false) ||
  b.airing.startMs - a.airing.startMs ||
  (a.program.id < b.program.id ? 1 : a.program.id > b.program.id ? -1 : b.airing.index - a.airing.index);

/**
 * What should be on air in `zone` at `atMs`, as a pure function of the programs and the time
 * (after a restart the hub joins it at its offset). Of the airings in their slot at that moment,
 * the highest tier airs, and within a tier the one begun first (overlaps within a tier are decided
 * when programs are written). An airing that was held off the air, preempted by a higher tier,
 * resumes where it was cut while its slot has time left: its offset is the time it has aired.
 * A held airing (`heldBecause`) neither airs nor holds the air.
 */
export function onAir(
  programs: readonly ScheduledProgram[],
  zone: string,
  calendar: RadioCalendar,
  atMs: number,
): OnAir | undefined {
  const inZone = programs.filter((p) => p.zones.includes(zone));
  const longest = Math.max(0, ...inZone.map((p) => p.durationMs));
  // Every airing that can matter at atMs: those in their slot, and those that held the air in it.
  return winnerAt(airedIn(inZone, calendar, atMs - longest, atMs + 1), atMs);
}

/** The airings of `programs` over [fromMs, toMs) that are not held: those that compete for the air. */
export function airedIn(
  programs: readonly ScheduledProgram[],
  calendar: RadioCalendar,
  fromMs: number,
  toMs: number,
): Airing[] {
  return programs.flatMap((program) =>
    airingsOf(program, calendar.timezone, fromMs, toMs)
      .filter((airing) => !heldBecause(program.tier, airing, calendar))
      .map((airing) => ({ program, airing })),
  );
}

/**
 * Which of `airings` has the air at `atMs`, and how far into its content: `onAir` over airings
 * already found, so that a timeline reads many moments of one list.
 */
export function winnerAt(airings: readonly Airing[], atMs: number): OnAir | undefined {
  let winner: Airing | undefined;
  for (const a of airings) {
    if (a.airing.startMs <= atMs && atMs < a.airing.endMs && (!winner || outranks(a, winner) > 0)) winner = a;
  }
  if (!winner) return undefined;
  const { program, airing } = winner;
  const heldOff: Array<readonly [number, number]> = [];
  for (const other of airings) {
    if (outranks(other, winner) <= 0) continue;
    const from = Math.max(other.airing.startMs, airing.startMs);
    const to = Math.min(other.airing.endMs, atMs);
    if (from < to) heldOff.push([from, to]);
  }
  return {
    program: program.id,
    tier: program.tier,
    airing,
    offsetMs: atMs - airing.startMs - unionLength(heldOff),
  };
}

/** The total length covered by intervals [from, to). */
function unionLength(intervals: ReadonlyArray<readonly [number, number]>): number {
  let total = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const [from, to] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (to <= reach) continue;
    total += to - Math.max(from, reach);
    reach = to;
  }
  return total;
}
