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

/**
 * A speaker's last acks may come late (it queues them while offline): an airing closes this long
 * after its slot unless told otherwise (the site config's broadcast.late_ack_wait_s).
 */
export const CLOSE_AFTER_MS = 5 * 60_000;
/** Played to the end within this much: encoders and players round the length. */
const END_TOLERANCE_MS = 1_000;

/**
 * How one airing ended on one speaker, from the acks to each `play` the hub sent for it (one, or
 * more when it resumed after a higher tier); undefined while it is still open (a play without its
 * final ack, before the airing closes).
 * - `held`: the hub held it (quiet hours, a holiday) and sent nothing;
 * - `failed`: the speaker could not play it (download, checksum, audio device), or refused the
 *   command for a reason other than a higher tier on air;
 * - `played`: sound ran for the whole length of the content;
 * - `preempted`: a higher tier took the air from it, or was on air when it was due, and it did not
 *   air whole;
 * - `partial`: it started and ended short with nothing higher on air;
 * - `missed`: no sound by the time the airing closed (the speaker was offline, never started, or
 *   the hub could not send it).
 */
export function playOutcome(
  airing: { startMs: number; endMs: number; durationMs: number },
  plays: ReadonlyArray<readonly PlayAck[]>,
  context: { held?: HeldBecause; preemptedByHigher: boolean; nowMs: number; closeAfterMs?: number },
): PlayOutcome | undefined {
  if (context.held) return { status: 'held', offsetMs: null, playedS: 0 };
  const closeAfterMs = context.closeAfterMs ?? CLOSE_AFTER_MS;
  const closed = context.nowMs >= airing.endMs + closeAfterMs;
  const each = plays.map((acks) => {
    const playing = acks.find((a) => a.status === 'playing');
    const final = acks.find((a) => FINAL.has(a.status));
    return { startedAtMs: playing ? (playing.startedAtMs ?? playing.atMs) : undefined, final };
  });
  const starts = each.flatMap((p) => (p.startedAtMs === undefined ? [] : [p.startedAtMs]));
  const offsetMs = starts.length ? Math.min(...starts) - airing.startMs : null;
  // What started counts to its final ack; without one, to the end of the slot.
  const playedS =
    each.reduce(
      (sum, p) =>
        p.startedAtMs === undefined
          ? sum
          : sum +
            Math.max(0, Math.min(p.final?.atMs ?? airing.endMs, airing.endMs + closeAfterMs) - p.startedAtMs),
      0,
    ) / 1000;
  const failure = each.find(
    ({ final }) => final?.status === 'failed' || (final?.status === 'rejected' && !context.preemptedByHigher),
  )?.final;
  if (failure) return { status: 'failed', offsetMs, playedS, error: failure.error };
  if (!closed && (each.length === 0 || each.some((p) => !p.final))) return undefined;
  if (offsetMs === null)
    return { status: context.preemptedByHigher ? 'preempted' : 'missed', offsetMs, playedS: 0 };
  if (playedS * 1000 >= airing.durationMs - END_TOLERANCE_MS) return { status: 'played', offsetMs, playedS };
  return { status: context.preemptedByHigher ? 'preempted' : 'partial', offsetMs, playedS };
}

const FINAL: ReadonlySet<Ack['status']> = new Set(['done', 'stopped', 'failed', 'rejected']);
