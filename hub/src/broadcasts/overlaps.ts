import type { ScheduledProgram } from './on-air.ts';
import { type Occurrence, occurrences } from './schedule.ts';

/** Two airings of the same tier in a zone at once: what a program being written is refused for. */
export type Overlap = { zone: string; other: string; airing: Occurrence; otherAiring: Occurrence };

const DAY_MS = 86_400_000;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const weeksOf = (p: ScheduledProgram) =>
  p.schedule.recurrence.kind === 'weekly' ? p.schedule.recurrence.every_weeks : 1;

/**
 * The first time `program` would air over another program of the same tier in a zone they share,
 * if any: overlaps are decided when a program is written, never left to chance on air. Two
 * schedules repeat together every common multiple of their weeks once both have begun, so that
 * span after the later start (within both validity ranges) holds every overlap they can have.
 */
export function firstOverlap(
  program: ScheduledProgram,
  others: readonly ScheduledProgram[],
  timezone: string,
): Overlap | undefined {
  let first: Overlap | undefined;
  for (const other of others) {
    if (other.id === program.id || other.tier !== program.tier) continue;
    const zone = program.zones.find((z) => other.zones.includes(z));
    if (!zone) continue;
    const begin =
      Date.parse(`${[program.schedule.from, other.schedule.from].sort()[1]}T00:00:00Z`) - 2 * DAY_MS;
    const a = weeksOf(program);
    const b = weeksOf(other);
    let end = begin + ((a * b) / gcd(a, b)) * 7 * DAY_MS + 4 * DAY_MS;
    for (const until of [program.schedule.until, other.schedule.until]) {
      if (until) end = Math.min(end, Date.parse(`${until}T00:00:00Z`) + 2 * DAY_MS);
    }
    if (end <= begin) continue;
    const mine = occurrences(program.schedule, program.durationMs, timezone, begin, end);
    const theirs = occurrences(other.schedule, other.durationMs, timezone, begin, end);
    for (const airing of mine) {
      const otherAiring = theirs.find((o) => o.startMs < airing.endMs && airing.startMs < o.endMs);
      if (otherAiring) {
        if (!first || airing.startMs < first.airing.startMs)
          first = { zone, other: other.id, airing, otherAiring };
        break;
      }
    }
  }
  return first;
}
