export type PresenceState = 'present' | 'absent' | 'undetermined';

/** The detector's clock: it only ever waits, so timers are all the time it needs. */
export type DetectorTimers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type PresenceDetectorOptions = {
  /** Called once per transition, never twice with the same state. */
  onChange: (state: 'present' | 'absent') => void;
  /** The raw input must stay true this long to count as someone there: shorter is bounce (default 500). */
  confirmMs?: number;
  /**
   * The raw input must stay false this long to count as nobody there (default 120 000): an official
   * reading a file barely moves, and a PIR sees only movement.
   */
  holdMs?: number;
  /** Defaults to the global timers; tests pass vitest's fake ones or their own. */
  timers?: DetectorTimers;
};

/** Node refuses longer delays: setTimeout fires at once beyond 2^31 − 1 ms. */
const MAX_DELAY_MS = 2_147_483_647;

export class PresenceOptionsError extends RangeError {
  readonly code = 'TT_PRESENCE_OPTIONS_INVALID';

  constructor(option: string, value: unknown) {
    super(`${option} must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${String(value)}`);
    this.name = 'PresenceOptionsError';
  }
}

/**
 * Raw "someone detected" readings in, debounced presence transitions out. The state is
 * `undetermined` at boot and reported only once known (docs/protocol.md, presence: devices send transitions
 * after their own hold time): present after `confirmMs` of detection, absent after `holdMs` with
 * none — counted from the last detection, or from boot. Any detection restarts the hold.
 *
 * @example
 * const detector = new PresenceDetector({
 *   holdMs: 120_000,
 *   onChange: (state) => link.record('presence', { present: state === 'present' }),
 * });
 * pir.on('change', (level) => detector.feed(level === 1));
 */
export class PresenceDetector {
  readonly #onChange: PresenceDetectorOptions['onChange'];
  readonly #confirmMs: number;
  readonly #holdMs: number;
  readonly #timers: DetectorTimers;
  #state: PresenceState = 'undetermined';
  /** The last raw reading; undefined until the first. */
  #raw: boolean | undefined;
  #confirmTimer: unknown;
  #holdTimer: unknown;

  /** Starts the boot hold at once: with no detection at all, the state becomes absent after holdMs. */
  constructor(options: PresenceDetectorOptions) {
    this.#confirmMs = checkedDelay('confirmMs', options.confirmMs ?? 500);
    this.#holdMs = checkedDelay('holdMs', options.holdMs ?? 120_000);
    this.#onChange = options.onChange;
    this.#timers = options.timers ?? { setTimeout, clearTimeout };
    this.#startHold();
  }

  get state(): PresenceState {
    return this.#state;
  }

  /** A raw reading; repeating the last one changes nothing, so sensors may report at any rate. */
  feed(raw: boolean): void {
    if (raw === this.#raw) return;
    this.#raw = raw;
    if (raw) {
      this.#cancelHold();
      if (this.#state !== 'present') {
        this.#confirmTimer = this.#timers.setTimeout(() => {
          this.#confirmTimer = undefined;
          this.#become('present');
        }, this.#confirmMs);
      }
      return;
    }
    // A detection shorter than confirmMs was bounce; the hold counts from its end.
    this.#cancelConfirm();
    if (this.#state !== 'absent' && this.#holdTimer === undefined) this.#startHold();
  }

  /** Clear the timers: no transition comes after this. */
  stop(): void {
    this.#cancelConfirm();
    this.#cancelHold();
  }

  #startHold(): void {
    this.#cancelHold();
    this.#holdTimer = this.#timers.setTimeout(() => {
      this.#holdTimer = undefined;
      this.#become('absent');
    }, this.#holdMs);
  }

  #cancelHold(): void {
    if (this.#holdTimer === undefined) return;
    this.#timers.clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
  }

  #cancelConfirm(): void {
    if (this.#confirmTimer === undefined) return;
    this.#timers.clearTimeout(this.#confirmTimer);
    this.#confirmTimer = undefined;
  }

  #become(state: 'present' | 'absent'): void {
    // The timers already never run towards the current state; this keeps the promise if they did.
    if (this.#state === state) return;
    this.#state = state;
    this.#onChange(state);
  }
}

function checkedDelay(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DELAY_MS) {
    throw new PresenceOptionsError(option, value);
  }
  return value;
}
