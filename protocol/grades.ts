import type { RatingEvent } from './messages.ts';

/**
 * Which grades count as satisfied and unsatisfied on each scale (docs/protocol.md, labels). One rule for
 * the box (which asks why after an unsatisfied rating) and the hub (which counts and alerts):
 * 3: Không hài lòng | Hài lòng, Rất hài lòng
 * 4: Không hài lòng | Bình thường | Hài lòng, Rất hài lòng
 * 5: Rất không hài lòng, Không hài lòng | Bình thường | Hài lòng, Rất hài lòng
 */
export function classifyRating(rating: Pick<RatingEvent, 'score' | 'scale'>): {
  satisfied: boolean;
  unsatisfied: boolean;
} {
  const { score, scale } = rating;
  switch (scale) {
    case 3:
      return { satisfied: score >= 2, unsatisfied: score === 1 };
    case 4:
      return { satisfied: score >= 3, unsatisfied: score === 1 };
    case 5:
      return { satisfied: score >= 4, unsatisfied: score <= 2 };
  }
}
