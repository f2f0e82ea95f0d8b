import type { DeskState } from '../presence/index.ts';

/**
 * Why a press is suspect (docs/architecture.md, the path of an event): flagged, never dropped, so leaders see both the
 * counted numbers and what was set aside.
 * - `repeat`: within the repeat interval of the last counted press on the same box;
 * - `outside-hours`: outside office hours, on a day off or a public holiday;
 * - `unstaffed`: the desk's presence sensor saw nobody there (an unknown desk is not flagged).
 */
export type MisuseReason = 'repeat' | 'outside-hours' | 'unstaffed';

export function misuseReasons(press: {
  timeMs: number;
  lastCountedMs: number | undefined;
  repeatIntervalMs: number;
  officeTime: boolean;
  /** What the desk's presence sensor saw at the press. */
  deskState: DeskState;
}): MisuseReason[] {
  const reasons: MisuseReason[] = [];
  const { timeMs, lastCountedMs, repeatIntervalMs } = press;
  if (lastCountedMs !== undefined && Math.abs(timeMs - lastCountedMs) < repeatIntervalMs)
    reasons.push('repeat');
  if (!press.officeTime) reasons.push('outside-hours');
  if (press.deskState === 'absent') reasons.push('unstaffed');
  return reasons;
}
