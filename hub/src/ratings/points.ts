import type { RatingEvent, RatingReasonEvent } from '../../../protocol/index.ts';
import type { Point } from '../ingest/index.ts';

/** Where a press happened and who was on duty: the tags every rating point carries. */
export type Attribution = { site: string; desk: string; device: string; officer: string };

/** The `rating` point of a press (docs/influxdb.md); the same press always gives the same point. */
export function ratingPoint(
  at: Attribution,
  rating: RatingEvent,
  grade: { satisfied: boolean; unsatisfied: boolean },
  misuse: readonly string[],
  timeMs: number,
): Point {
  const { score, scale, seq, boot } = rating;
  const { satisfied, unsatisfied } = grade;
  return {
    measurement: 'rating',
    tags: { ...at, misuse: String(misuse.length > 0) },
    fields: {
      score,
      scale,
      satisfied: Number(satisfied),
      unsatisfied: Number(unsatisfied),
      seq,
      boot,
      misuse_reason: misuse.join(','),
    },
    timeMs,
  };
}

/** The `rating_reason` point of a follow-up press after an unsatisfied rating. */
export function ratingReasonPoint(at: Attribution, reason: RatingReasonEvent, timeMs: number): Point {
  return {
    measurement: 'rating_reason',
    tags: { ...at, reason: reason.reason },
    fields: { ref: reason.ref },
    timeMs,
  };
}
