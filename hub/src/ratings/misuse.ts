/**
 * Why a press is suspect (DESIGN §6 "Ratings"): flagged, never dropped, so leaders see both the
 * counted numbers and what was set aside.
 * - `repeat`: within the repeat interval of the last counted press on the same box;
 * - `outside-hours`: outside office hours, on a day off or a public holiday.
 * (`unstaffed`, a press at a desk nobody staffs, joins when desk presence exists.)
 */
export type MisuseReason = 'repeat' | 'outside-hours';

export function misuseReasons(press: {
  timeMs: number;
  lastCountedMs: number | undefined;
  repeatIntervalMs: number;
  officeTime: boolean;
}): MisuseReason[] {
  const reasons: MisuseReason[] = [];
  const { timeMs, lastCountedMs, repeatIntervalMs } = press;
  if (lastCountedMs !== undefined && Math.abs(timeMs - lastCountedMs) < repeatIntervalMs)
    reasons.push('repeat');
  if (!press.officeTime) reasons.push('outside-hours');
  return reasons;
}
