import type { EventEmitter } from 'node:events';
import five from 'johnny-five';
import { classifyRating } from '../../../protocol/index.ts';
import type { DeviceLink } from '../link/index.ts';

export const REASONS = ['attitude', 'waiting', 'paperwork', 'trips', 'other'] as const;
export type Reason = (typeof REASONS)[number];

export type RatingBoxOptions = {
  board: five.Board;
  link: Pick<DeviceLink, 'record'>;
  scale: 3 | 4 | 5;
  pins: {
    /** One button per grade, worst first: buttons[0] is score 1. */
    buttons: readonly number[];
    /** Optional follow-up buttons, asked after an unsatisfied rating (docs/protocol.md, rating-reason). */
    reasons?: Partial<Record<Reason, number>>;
    /** The "thank you" (cảm ơn) light. */
    thanks: number;
  };
  /** Buttons wired to ground with the board's pull-up: pressed reads LOW. */
  pullup?: boolean;
  /** After a press, further presses are ignored for this long: one citizen, one rating. */
  lockoutMs?: number;
  /** How long the reason buttons wait after an unsatisfied rating. */
  reasonWindowMs?: number;
  thanksMs?: number;
  now?: () => number;
};

/**
 * The rating-button box (hộp nút đánh giá) on a johnny-five board: each grade's button records a
 * rating; the thank-you light blinks; after an unsatisfied rating the reason buttons are open for a
 * while. Bounce is absorbed by johnny-five's debounce; repeated presses by the lockout.
 */
export class RatingBox {
  readonly #o: Required<Omit<RatingBoxOptions, 'pins'>> & { pins: RatingBoxOptions['pins'] };
  readonly #buttons: five.Button[] = [];
  #lockedUntil = 0;
  #awaitingReason: { ref: number; until: number } | undefined;
  #thanksTimer: NodeJS.Timeout | undefined;
  #led: five.Led | undefined;
  ignored = 0;

  constructor(options: RatingBoxOptions) {
    if (options.pins.buttons.length !== options.scale) {
      throw new Error(
        `a ${options.scale}-grade box needs ${options.scale} buttons, got ${options.pins.buttons.length}`,
      );
    }
    this.#o = {
      pullup: true,
      lockoutMs: 2_000,
      reasonWindowMs: 15_000,
      thanksMs: 2_000,
      now: Date.now,
      ...options,
    };
  }

  start(): void {
    const { board, pins, pullup } = this.#o;
    this.#led = new five.Led({ pin: pins.thanks, board });
    pins.buttons.forEach((pin, i) => {
      const button = new five.Button({ pin, board, isPullup: pullup });
      button.on('press', () => this.#onGrade(i + 1));
      this.#buttons.push(button);
    });
    for (const [reason, pin] of Object.entries(pins.reasons ?? {})) {
      const button = new five.Button({ pin, board, isPullup: pullup });
      button.on('press', () => this.#onReason(reason as Reason));
      this.#buttons.push(button);
    }
  }

  stop(): void {
    clearTimeout(this.#thanksTimer);
    this.#led?.stop().off();
    // johnny-five's Button is an EventEmitter; its typings do not say so.
    for (const button of this.#buttons) (button as unknown as EventEmitter).removeAllListeners();
  }

  #onGrade(score: number): void {
    const now = this.#o.now();
    if (now < this.#lockedUntil) {
      this.ignored += 1;
      return;
    }
    this.#lockedUntil = now + this.#o.lockoutMs;
    const rating = this.#o.link.record('rating', { score, scale: this.#o.scale });
    this.#awaitingReason =
      classifyRating({ score, scale: this.#o.scale }).unsatisfied && this.#o.pins.reasons
        ? { ref: rating.seq, until: now + this.#o.reasonWindowMs }
        : undefined;
    this.#thank();
  }

  #onReason(reason: Reason): void {
    const open = this.#awaitingReason;
    if (!open || this.#o.now() > open.until) {
      this.ignored += 1;
      return;
    }
    this.#awaitingReason = undefined;
    this.#o.link.record('rating-reason', { ref: open.ref, reason });
    this.#thank();
  }

  /** Blink the thank-you light, then leave it off. */
  #thank(): void {
    const led = this.#led!;
    clearTimeout(this.#thanksTimer);
    led.blink(150);
    this.#thanksTimer = setTimeout(() => led.stop().off(), this.#o.thanksMs);
  }
}
