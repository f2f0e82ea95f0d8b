import type { Ack } from '../../../protocol/index.ts';
import type { HeldBecause } from './on-air.ts';

/** How an airing ended on a speaker (nhật ký phát: đã phát, phát dở, lỡ, bị chen, tạm hoãn, lỗi). */
export const PLAY_STATUSES = ['played', 'partial', 'missed', 'preempted', 'held', 'failed'] as const;
export type PlayStatus = (typeof PLAY_STATUSES)[number];

/** A speaker's ack to the `play` of one airing, at the time it says (or the hub received it). */
export type PlayAck = { status: Ack['status']; atMs: number; startedAtMs?: number; error?: string };

export type PlayOutcome = {
  status: PlayStatus;
  /** When sound started less when it was due; null when it never started. */
  offsetMs: number | null;
  playedS: number;
  error?: string;
};

/** A speaker's last acks may come late (it queues them while offline): an airing closes this long after its slot. */
export const CLOSE_AFTER_MS = 5 * 60_000;
/** Played to the end within this much: encoders and players round the length. */
const END_TOLERANCE_MS = 1_000;

/**
 * How one airing ended on one speaker, from the acks to its `play`; undefined while it is still
 * open (its slot, and the wait after it, not over, and no final ack yet).
 * - `held`: the hub held it (quiet hours, a holiday) and sent nothing;
 * - `failed`: the speaker could not play it (download, checksum, audio device), or refused the
 *   command for a reason other than a higher tier on air;
 * - `preempted`: a higher tier took the air from it, or was on air when it was due;
 * - `played`: sound started and ran to the end; `partial`: it started and ended short;
 * - `missed`: no sound by the time the airing closed (the speaker was offline, or never started).
 */
export function playOutcome(
  airing: { startMs: number; endMs: number; durationMs: number },
  acks: readonly PlayAck[],
  context: { held?: HeldBecause; preemptedByHigher: boolean; nowMs: number },
): PlayOutcome | undefined {
  if (context.held) return { status: 'held', offsetMs: null, playedS: 0 };
  const playing = acks.find((a) => a.status === 'playing');
  const startedAtMs = playing?.startedAtMs ?? playing?.atMs;
  const offsetMs = startedAtMs === undefined ? null : startedAtMs - airing.startMs;
  const played = (untilMs: number) =>
    startedAtMs === undefined ? 0 : Math.max(0, untilMs - startedAtMs) / 1000;
  const final = acks.find(
    (a) => a.status === 'done' || a.status === 'stopped' || a.status === 'failed' || a.status === 'rejected',
  );
  if (final?.status === 'failed')
    return { status: 'failed', offsetMs, playedS: played(final.atMs), error: final.error };
  if (final?.status === 'rejected') {
    return context.preemptedByHigher
      ? { status: 'preempted', offsetMs: null, playedS: 0 }
      : { status: 'failed', offsetMs: null, playedS: 0, error: final.error };
  }
  if (final && startedAtMs !== undefined) {
    const playedS = played(final.atMs);
    if (final.status === 'stopped')
      return { status: context.preemptedByHigher ? 'preempted' : 'partial', offsetMs, playedS };
    const whole = playedS * 1000 >= airing.durationMs - END_TOLERANCE_MS;
    return { status: whole ? 'played' : 'partial', offsetMs, playedS };
  }
  if (context.nowMs < airing.endMs + CLOSE_AFTER_MS) return undefined;
  // Closed without a final word: what started counts to the end of its slot, the rest was missed.
  if (startedAtMs === undefined)
    return { status: context.preemptedByHigher ? 'preempted' : 'missed', offsetMs: null, playedS: 0 };
  return { status: 'partial', offsetMs, playedS: played(airing.endMs) };
}
