import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import five from 'johnny-five';
import type { DeviceLink, LinkLogger } from '../link/index.ts';
import type { Ld2410Report } from './ld2410.ts';
import { type DetectorTimers, PresenceDetector, type PresenceState } from './presence-detector.ts';

export type PresenceSensorOptions = {
  link: Pick<DeviceLink, 'record' | 'on' | 'off'>;
  /** Needed for `pin` and `led`. */
  board?: five.Board;
  /** A digital presence input, HIGH while someone is detected: a PIR, the LD2410's OUT pin, … */
  pin?: number;
  /** Readings from an LD2410 (its serial port piped into an Ld2410Parser). */
  radar?: Readable;
  /** The status light (đèn trạng thái): on while present. */
  led?: number;
  /** See PresenceDetector: bounce shorter than this is ignored (default 500 ms). */
  confirmMs?: number;
  /** See PresenceDetector: absent after this long with no detection (default 120 s). */
  holdMs?: number;
  /**
   * A radar silent this long counts as detecting nobody (default 3 s; it reports about ten times a
   * second): a loose UART wire must not keep a desk "present" for the rest of the day.
   */
  radarSilenceMs?: number;
  /** How often johnny-five samples the pin (default 25 ms). */
  sampleMs?: number;
  timers?: DetectorTimers;
  logger?: Pick<LinkLogger, 'warn'>;
};

/**
 * The desk presence sensor (cảm biến hiện diện): a digital presence input on a johnny-five board
 * and/or an LD2410 radar feed one PresenceDetector — someone is there when either source detects
 * them. Each debounced transition becomes a `presence` event, and the current state is sent again
 * after each (re)connect (docs/protocol.md, presence).
 */
export class PresenceSensor {
  readonly #o: PresenceSensorOptions & { timers: DetectorTimers };
  #detector: PresenceDetector | undefined;
  #input: five.Sensor | undefined;
  #led: five.Led | undefined;
  /** Each source's last word: undefined until it has spoken. */
  #pinDetects: boolean | undefined;
  #radarDetects: boolean | undefined;
  #radarSilence: unknown;

  constructor(options: PresenceSensorOptions) {
    if (options.pin === undefined && !options.radar) {
      throw new Error('a presence sensor needs a digital pin, an LD2410 radar, or both');
    }
    if ((options.pin !== undefined || options.led !== undefined) && !options.board) {
      throw new Error('a pin or a status light needs the johnny-five board');
    }
    this.#o = { ...options, timers: options.timers ?? { setTimeout, clearTimeout } };
  }

  /** The debounced state; `undetermined` until known, and before start(). */
  get state(): PresenceState {
    return this.#detector?.state ?? 'undetermined';
  }

  start(): void {
    if (this.#detector) return;
    const { board, pin, led, radar, link, timers } = this.#o;
    this.#detector = new PresenceDetector({
      confirmMs: this.#o.confirmMs,
      holdMs: this.#o.holdMs,
      timers,
      onChange: (state) => this.#onTransition(state),
    });
    if (led !== undefined) this.#led = new five.Led({ pin: led, board }).off();
    if (pin !== undefined) {
      // Sensor, not Motion: both read the pin the same way, but only Sensor can stop its polling
      // (Motion's interval runs for ever) and it has no 2 s "calibration" of its own to wait for.
      const input = new five.Sensor({ pin, board, type: 'digital', freq: this.#o.sampleMs ?? 25 });
      input.on('change', () => {
        // null until the board first reports the pin.
        const level = input.value as number | null;
        if (level === null) return;
        this.#pinDetects = level === 1;
        this.#feed();
      });
      this.#input = input;
    }
    if (radar) {
      radar.on('data', this.#onRadar);
      this.#armRadarSilence(); // a radar that never speaks is silent too
    }
    link.on('connected', this.#sendCurrent);
  }

  stop(): void {
    this.#detector?.stop();
    this.#detector = undefined;
    if (this.#radarSilence !== undefined) this.#o.timers.clearTimeout(this.#radarSilence);
    this.#radarSilence = undefined;
    this.#o.radar?.off('data', this.#onRadar);
    this.#o.link.off('connected', this.#sendCurrent);
    if (this.#input) {
      // Both exist at run time; johnny-five's typings leave them out.
      const input = this.#input as unknown as EventEmitter & { disable(): void };
      input.disable();
      input.removeAllListeners();
      this.#input = undefined;
    }
    this.#led?.off();
    this.#pinDetects = undefined;
    this.#radarDetects = undefined;
  }

  #onRadar = (report: Ld2410Report): void => {
    this.#armRadarSilence();
    this.#radarDetects = report.target !== 'none';
    this.#feed();
  };

  #armRadarSilence(): void {
    const { timers, radarSilenceMs = 3_000 } = this.#o;
    if (this.#radarSilence !== undefined) timers.clearTimeout(this.#radarSilence);
    this.#radarSilence = timers.setTimeout(() => {
      this.#radarSilence = undefined;
      this.#o.logger?.warn({ silentMs: radarSilenceMs }, 'LD2410 radar silent: counted as no detection');
      this.#radarDetects = false;
      this.#feed();
    }, radarSilenceMs);
  }

  #feed(): void {
    if (this.#pinDetects === undefined && this.#radarDetects === undefined) return;
    this.#detector?.feed(this.#pinDetects === true || this.#radarDetects === true);
  }

  #onTransition(state: 'present' | 'absent'): void {
    const present = state === 'present';
    if (present) this.#led?.on();
    else this.#led?.off();
    this.#o.link.record('presence', { present });
  }

  /** docs/protocol.md: the current state after each (re)connect, once it is known. */
  #sendCurrent = (): void => {
    const state = this.state;
    if (state !== 'undetermined') this.#o.link.record('presence', { present: state === 'present' });
  };
}
