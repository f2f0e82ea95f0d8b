import { describe, expect, it } from 'vitest';
import { CLOSE_AFTER_MS, type PlayAck, playOutcome } from '../hub/src/broadcasts/play-log.ts';

// How an airing ends on a speaker, from its acks: every status of the play log.

const START = Date.parse('2026-11-23T00:00:00Z');
const airing = { startMs: START, endMs: START + 600_000, durationMs: 600_000 };
const s = (seconds: number) => START + seconds * 1000;
const received: PlayAck = { status: 'received', atMs: s(-3600) };
const playing = (at: number): PlayAck => ({ status: 'playing', atMs: s(at), startedAtMs: s(at) });
const during = { preemptedByHigher: false, nowMs: s(300) };
const closed = { preemptedByHigher: false, nowMs: airing.endMs + CLOSE_AFTER_MS };

describe('play log', () => {
  it('played: started 120 ms late, ran to the end', () => {
    expect(
      playOutcome(airing, [[received, playing(0.12), { status: 'done', atMs: s(600.1) }]], during),
    ).toEqual({ status: 'played', offsetMs: 120, playedS: 599.98 });
  });

  it('partial: ended short, or started and never said how it ended', () => {
    expect(playOutcome(airing, [[received, playing(0), { status: 'done', atMs: s(420) }]], during)).toEqual({
      status: 'partial',
      offsetMs: 0,
      playedS: 420,
    });
    expect(playOutcome(airing, [[received, playing(30)]], during)).toBeUndefined(); // still open
    expect(playOutcome(airing, [[received, playing(30)]], closed)).toEqual({
      status: 'partial',
      offsetMs: 30_000,
      playedS: 570,
    });
  });

  it('preempted: stopped by a higher tier, or refused while one played', () => {
    const higher = { ...during, preemptedByHigher: true };
    expect(
      playOutcome(airing, [[received, playing(0), { status: 'stopped', atMs: s(200) }]], higher),
    ).toEqual({
      status: 'preempted',
      offsetMs: 0,
      playedS: 200,
    });
    expect(
      playOutcome(airing, [[{ status: 'rejected', atMs: s(0), error: 'emergency playing' }]], higher),
    ).toEqual({ status: 'preempted', offsetMs: null, playedS: 0 });
    // Stopped by hand, with nothing higher on air: it aired in part.
    expect(
      playOutcome(airing, [[received, playing(0), { status: 'stopped', atMs: s(200) }]], during)?.status,
    ).toBe('partial');
  });

  it('preempted and resumed: the time of each play counts, the first start gives the offset', () => {
    const higher = { ...closed, preemptedByHigher: true };
    const cut = [received, playing(0.5), { status: 'stopped' as const, atMs: s(100) }];
    const resumed = [received, playing(160), { status: 'done' as const, atMs: s(600) }];
    expect(playOutcome(airing, [cut, resumed], higher)).toEqual({
      status: 'preempted',
      offsetMs: 500,
      playedS: 539.5,
    });
    // The resumed part has not said how it ended: open until the airing closes.
    expect(playOutcome(airing, [cut, [received]], { ...during, preemptedByHigher: true })).toBeUndefined();
  });

  it('missed: no sound by the time the airing closed, or nothing the hub could send', () => {
    expect(playOutcome(airing, [], during)).toBeUndefined();
    expect(playOutcome(airing, [], closed)).toEqual({ status: 'missed', offsetMs: null, playedS: 0 });
    expect(playOutcome(airing, [[]], closed)).toEqual({ status: 'missed', offsetMs: null, playedS: 0 });
    expect(playOutcome(airing, [[received]], closed)).toEqual({
      status: 'missed',
      offsetMs: null,
      playedS: 0,
    });
  });

  it('failed: the speaker could not play it, with its reason', () => {
    expect(
      playOutcome(airing, [[received, { status: 'failed', atMs: s(-60), error: 'sha256 mismatch' }]], during),
    ).toEqual({ status: 'failed', offsetMs: null, playedS: 0, error: 'sha256 mismatch' });
    expect(
      playOutcome(airing, [[{ status: 'rejected', atMs: s(0), error: 'start_at: must be ISO' }]], during),
    ).toEqual({
      status: 'failed',
      offsetMs: null,
      playedS: 0,
      error: 'start_at: must be ISO',
    });
  });

  it('held: the hub held it in quiet hours or on a holiday', () => {
    expect(playOutcome(airing, [[]], { ...closed, held: 'quiet-hours' })).toEqual({
      status: 'held',
      offsetMs: null,
      playedS: 0,
    });
  });
});
