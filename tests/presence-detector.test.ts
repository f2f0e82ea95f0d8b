import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PresenceDetector,
  type PresenceDetectorOptions,
  PresenceOptionsError,
} from '../firmware/src/presence-sensor/presence-detector.ts';

// The presence state machine on vitest's fake clock: confirm (bounce), hold, boot, no repeats.

const CONFIRM = 500;
const HOLD = 120_000;

let changes: string[];
let detector: PresenceDetector;

function make(options: Partial<PresenceDetectorOptions> = {}): PresenceDetector {
  detector = new PresenceDetector({
    confirmMs: CONFIRM,
    holdMs: HOLD,
    onChange: (state) => changes.push(state),
    ...options,
  });
  return detector;
}

/** Raw readings at given times (ms since the previous one), as a sensor would report them. */
function feedAt(...steps: Array<[afterMs: number, raw: boolean]>): void {
  for (const [afterMs, raw] of steps) {
    vi.advanceTimersByTime(afterMs);
    detector.feed(raw);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  changes = [];
});

afterEach(() => {
  detector?.stop();
  vi.useRealTimers();
});

describe('presence detector', () => {
  it('is undetermined at boot, and present once a detection has lasted confirmMs', () => {
    make();
    feedAt([0, false], [1_000, true]);
    vi.advanceTimersByTime(CONFIRM - 1);
    expect(detector.state).toBe('undetermined');
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(detector.state).toBe('present');
    expect(changes).toEqual(['present']);
  });

  it('ignores glitches shorter than confirmMs (bounce)', () => {
    make();
    feedAt([0, false], [10, true], [CONFIRM - 1, false], [5, true], [100, false], [5, true], [1, false]);
    vi.advanceTimersByTime(CONFIRM * 4);
    expect(changes).toEqual([]);
    expect(detector.state).toBe('undetermined');
  });

  it('becomes absent at boot after holdMs with no detection, and only then', () => {
    make();
    feedAt([0, false]);
    vi.advanceTimersByTime(HOLD - 1);
    expect(detector.state).toBe('undetermined');
    vi.advanceTimersByTime(1);
    expect(detector.state).toBe('absent');
    expect(changes).toEqual(['absent']);
  });

  it('counts the boot hold from boot even when no reading ever comes', () => {
    make();
    vi.advanceTimersByTime(HOLD);
    expect(changes).toEqual(['absent']);
  });

  it('does not restart the boot hold on repeated "nobody" readings', () => {
    make();
    for (let t = 0; t < HOLD; t += 10_000) feedAt([10_000, false]);
    expect(changes).toEqual(['absent']);
  });

  it('stays present through the hold, and turns absent only holdMs after the last detection', () => {
    make();
    feedAt([0, true]);
    vi.advanceTimersByTime(CONFIRM);
    feedAt([5_000, false]);
    vi.advanceTimersByTime(HOLD - 1);
    expect(detector.state).toBe('present');
    vi.advanceTimersByTime(1);
    expect(detector.state).toBe('absent');
    expect(changes).toEqual(['present', 'absent']);
  });

  it('restarts the hold on any detection during it, even one shorter than confirmMs', () => {
    make();
    feedAt([0, true]);
    vi.advanceTimersByTime(CONFIRM);
    // The official sits still: the PIR sees a twitch now and then.
    feedAt([1_000, false], [HOLD - 1_000, true], [50, false], [HOLD - 1, true], [10, false]);
    expect(detector.state).toBe('present');
    vi.advanceTimersByTime(HOLD - 1);
    expect(detector.state).toBe('present');
    vi.advanceTimersByTime(1);
    expect(changes).toEqual(['present', 'absent']);
  });

  it('comes back to present after absent, once confirmed', () => {
    make();
    vi.advanceTimersByTime(HOLD);
    feedAt([0, true], [CONFIRM - 100, false], [1_000, true]);
    vi.advanceTimersByTime(CONFIRM);
    feedAt([0, false]);
    vi.advanceTimersByTime(HOLD);
    expect(changes).toEqual(['absent', 'present', 'absent']);
  });

  it('never reports the same state twice, whatever the readings repeat', () => {
    make({ confirmMs: 0 });
    for (let i = 0; i < 50; i++) feedAt([100, true], [0, true]);
    vi.advanceTimersByTime(10);
    for (let i = 0; i < 50; i++) feedAt([100, false], [100, true]);
    expect(changes).toEqual(['present']);
    feedAt([0, false]);
    vi.advanceTimersByTime(HOLD * 3);
    for (let i = 0; i < 20; i++) feedAt([100, false]);
    expect(changes).toEqual(['present', 'absent']);
  });

  it('reports nothing after stop()', () => {
    make();
    feedAt([0, true]);
    detector.stop();
    vi.advanceTimersByTime(HOLD * 2);
    expect(changes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses the timers it is given', () => {
    const pending: Array<{ run: () => void; ms: number }> = [];
    make({
      timers: {
        setTimeout: (run, ms) => pending.push({ run, ms }),
        clearTimeout: () => {},
      },
    });
    expect(pending.map((t) => t.ms)).toEqual([HOLD]);
    expect(vi.getTimerCount()).toBe(0);
    pending[0]!.run();
    expect(changes).toEqual(['absent']);
  });

  it.each([
    ['holdMs', -1],
    ['holdMs', Number.NaN],
    ['holdMs', Number.POSITIVE_INFINITY],
    ['holdMs', 2 ** 31],
    ['confirmMs', -0.5],
    ['confirmMs', '500'],
  ])('refuses %s = %s, naming the option', (option, value) => {
    const build = () => make({ [option]: value } as Partial<PresenceDetectorOptions>);
    expect(build).toThrow(PresenceOptionsError);
    expect(build).toThrow(new RegExp(`^${option} must be a number of milliseconds`));
  });

  it('takes 0 ms as "trust the sensor"', () => {
    make({ confirmMs: 0, holdMs: 0 });
    detector.feed(true); // before the boot hold's first tick
    vi.advanceTimersByTime(0);
    detector.feed(false);
    vi.advanceTimersByTime(0);
    expect(changes).toEqual(['present', 'absent']);
  });
});
