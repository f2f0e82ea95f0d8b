import { RATING_REASONS, type RatingScale } from '../../../protocol/index.ts';
import { pickScore, type SimulatedCommune } from '../../../simulators/src/commune.ts';
import { isOfficeTime, localTime } from '../config/index.ts';
import { type Interval, type OfficeCalendar, officeSessions } from '../presence/index.ts';
import { deskDay, isStaffed, seededRandom } from './office-day.ts';

/** Citizens served per staffed desk per office hour, on average. */
const RATINGS_PER_DESK_PER_HOUR = 6;
/** A tick that comes late (a busy event loop, a jump to the next day) presses at most this much time's worth. */
const MAX_STEP_MS = 5 * 60_000;

export type PlayerOptions = {
  commune: Pick<SimulatedCommune, 'desks'>;
  calendar: OfficeCalendar;
  scale: RatingScale;
  clock: () => Date;
  random?: () => number;
};

/**
 * Plays each desk's office day on the demo clock: the presence sensor follows the desk's
 * schedule (office-day.ts), and citizens press the rating box only at a staffed desk in office
 * hours, so that their ratings count; now and then one is unsatisfied and gives a reason.
 */
export class OfficeDayPlayer {
  readonly #o: PlayerOptions;
  readonly #random: () => number;
  readonly #days = new Map<string, { date: string; staffed: Interval[] }>();
  #lastMs: number | undefined;

  constructor(options: PlayerOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
  }

  /** Bring every desk up to the clock; call often (every demo quarter-minute or so). */
  tick(): void {
    const nowMs = this.#o.clock().getTime();
    const stepMs = Math.min(MAX_STEP_MS, Math.max(0, nowMs - (this.#lastMs ?? nowMs)));
    this.#lastMs = nowMs;
    const office = isOfficeTime(this.#o.calendar, new Date(nowMs));
    // The chance of at least one citizen in this step; the repeat interval allows one press per tick.
    const pressChance = 1 - Math.exp((-RATINGS_PER_DESK_PER_HOUR * stepMs) / 3_600_000);
    for (const [desk, devices] of this.#o.commune.desks) {
      const staffed = isStaffed(this.#day(desk, nowMs), nowMs);
      devices.sensor?.set(staffed);
      if (!devices.button || !office || !staffed || this.#random() >= pressChance) continue;
      const score = pickScore(this.#o.scale, this.#random);
      const rating = devices.button.press(score, this.#o.scale);
      if (score === 1 && this.#random() < 0.5) {
        const reason = RATING_REASONS[Math.floor(this.#random() * RATING_REASONS.length)]!;
        devices.button.reason(rating.seq, reason);
      }
    }
  }

  /** The desk's schedule for the local date of `atMs`, the same on every run. */
  #day(desk: string, atMs: number): Interval[] {
    const date = localTime(this.#o.calendar.site.timezone, new Date(atMs)).date;
    const known = this.#days.get(desk);
    if (known?.date === date) return known.staffed;
    const staffed = deskDay(officeSessions(this.#o.calendar, date), seededRandom(`${date}/${desk}`));
    this.#days.set(desk, { date, staffed });
    return staffed;
  }
}
