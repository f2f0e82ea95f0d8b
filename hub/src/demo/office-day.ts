import type { Interval } from '../presence/index.ts';

const MIN = 60_000;

/**
 * A random number generator seeded by text (FNV-1a, then mulberry32): a desk's day is the same
 * however often the demo restarts during it.
 */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const between = (random: () => number, fromMin: number, toMin: number) =>
  Math.round((fromMin + random() * (toMin - fromMin)) * MIN);

/**
 * When an official is at the desk on one day, given that day's office sessions in time order: a
 * plausible pattern for the demo. Usually on time, now and then late (long enough for an
 * empty-desk alert); away for lunch between sessions; short absences, now and then a long one;
 * rarely out for a whole session (a meeting). Every departure is within 12 minutes of a session's end,
 * inside the demo's shown day.
 */
export function deskDay(sessions: readonly Interval[], random: () => number): Interval[] {
  const staffed: Interval[] = [];
  sessions.forEach((session, i) => {
    const first = i === 0;
    const last = i === sessions.length - 1;
    if (random() < 1 / 15) return; // a meeting elsewhere: the desk stays empty all session
    const late = first && random() < 1 / 6;
    const arrive =
      session.fromMs +
      (late ? between(random, 16, 35) : first ? between(random, -15, 5) : between(random, -10, 5));
    const leave = session.toMs + (last ? between(random, -10, 12) : between(random, -5, 8));
    staffed.push(...withAbsences({ fromMs: arrive, toMs: leave }, random));
  });
  return staffed;
}

/** Up to two absences within a stretch at the desk: most a few minutes, one in five long enough for an alert. */
function withAbsences(stretch: Interval, random: () => number): Interval[] {
  const count = Math.floor(random() * 3);
  const absences: Interval[] = [];
  for (let n = 0; n < count; n++) {
    const length = random() < 1 / 5 ? between(random, 16, 30) : between(random, 3, 12);
    if (length >= stretch.toMs - stretch.fromMs) continue;
    const fromMs = stretch.fromMs + Math.round(random() * (stretch.toMs - stretch.fromMs - length));
    absences.push({ fromMs, toMs: fromMs + length });
  }
  absences.sort((a, b) => a.fromMs - b.fromMs);
  const parts: Interval[] = [];
  let at = stretch.fromMs;
  for (const away of absences) {
    if (away.fromMs > at) parts.push({ fromMs: at, toMs: away.fromMs });
    at = Math.max(at, away.toMs);
  }
  if (at < stretch.toMs) parts.push({ fromMs: at, toMs: stretch.toMs });
  return parts;
}

export function isStaffed(day: readonly Interval[], atMs: number): boolean {
  return day.some((stretch) => stretch.fromMs <= atMs && atMs < stretch.toMs);
}
