import {
  airedIn,
  airingsOf,
  heldBecause,
  type RadioCalendar,
  type ScheduledProgram,
  TIERS,
  type Tier,
  winnerAt,
} from './on-air.ts';
import type { Occurrence } from './schedule.ts';

/**
 * A stretch of air in a zone given to one airing: what a `play` command asks a speaker to do.
 * An airing preempted by a higher tier airs in two segments, the second from where it was cut.
 */
export type Segment = {
  program: string;
  tier: Tier;
  airing: Occurrence;
  startMs: number;
  /** Where the air goes to another airing, or the end of the airing's slot. */
  endMs: number;
  /** How far into the content the segment starts. */
  offsetMs: number;
};

/** An airing of a program in a zone over a period, and what became of it on the zone's air. */
export type ZoneAiring = {
  program: ScheduledProgram;
  airing: Occurrence;
  held: ReturnType<typeof heldBecause>;
  /** A higher tier was on air in the zone at some moment of its slot. */
  preemptedByHigher: boolean;
};

const inZone = (programs: readonly ScheduledProgram[], zone: string) =>
  programs.filter((p) => p.zones.includes(zone));

/** Every airing in `zone` whose slot meets [fromMs, toMs), in order of start. */
export function zoneAirings(
  programs: readonly ScheduledProgram[],
  zone: string,
  calendar: RadioCalendar,
  fromMs: number,
  toMs: number,
): ZoneAiring[] {
  const all = inZone(programs, zone).flatMap((program) =>
    airingsOf(program, calendar.timezone, fromMs, toMs).map((airing) => ({
      program,
      airing,
      held: heldBecause(program.tier, airing, calendar),
    })),
  );
  const rank = (tier: Tier) => TIERS.indexOf(tier);
  return all
    .map((a) => ({
      ...a,
      preemptedByHigher: all.some(
        (b) =>
          !b.held &&
          rank(b.program.tier) > rank(a.program.tier) &&
          b.airing.startMs < a.airing.endMs &&
          a.airing.startMs < b.airing.endMs,
      ),
    }))
    .sort((a, b) => a.airing.startMs - b.airing.startMs);
}

/**
 * What `zone` airs over [fromMs, toMs), as segments in order: `onAir` read at every moment where
 * it can change (an airing starts or ends) and joined while one airing runs on. A segment keeps its
 * own start when it began before `fromMs` (the hub names its commands by it), and the end of its
 * slot when it runs on past `toMs`.
 */
export function timeline(
  programs: readonly ScheduledProgram[],
  zone: string,
  calendar: RadioCalendar,
  fromMs: number,
  toMs: number,
): Segment[] {
  const zonePrograms = inZone(programs, zone);
  // A segment on air at fromMs began at a moment within its airing, no longer than the longest ago.
  const scanFrom = fromMs - Math.max(0, ...zonePrograms.map((p) => p.durationMs));
  // One airing can hold the air over another begun up to the longest before it: found once, read at every moment.
  const airings = airedIn(zonePrograms, calendar, scanFrom - (fromMs - scanFrom), toMs);
  const moments = [...new Set([scanFrom, ...airings.flatMap(({ airing }) => [airing.startMs, airing.endMs])])]
    .filter((t) => t >= scanFrom && t < toMs)
    .sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (const atMs of moments) {
    const now = winnerAt(airings, atMs);
    const last = segments.at(-1);
    const runsOn =
      last &&
      now &&
      last.endMs >= atMs &&
      last.program === now.program &&
      last.airing.startMs === now.airing.startMs &&
      last.offsetMs + (atMs - last.startMs) === now.offsetMs;
    if (runsOn) continue;
    if (last && last.endMs > atMs) last.endMs = atMs;
    if (now)
      segments.push({
        program: now.program,
        tier: now.tier,
        airing: now.airing,
        startMs: atMs,
        endMs: now.airing.endMs,
        offsetMs: now.offsetMs,
      });
  }
  return segments.filter((segment) => segment.endMs > fromMs);
}
