import { execFile } from 'node:child_process';

/** How the hub learns that the system clock is right (TT_RADIO_CLOCK). */
export const CLOCK_MODES = ['ntp', 'trust'] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];

const CHECK_EVERY_MS = 30_000;

/** Where a problem with the check is said: the hub's log, or a device program's. */
type Warner = { warn(details: object, message: string): void };

/**
 * Whether the system clock is synchronised, for the radio: nothing is armed before it is, since a
 * Pi without a real-time clock boots in the past. `ntp` asks systemd (`timedatectl`, as on
 * Raspberry Pi OS with systemd-timesyncd or chrony) every 30 s; `trust` takes the clock as right
 * (a container whose host keeps time, a test driving its own clock). The loudspeaker node asks the
 * same way before it takes timed plays.
 */
export class ClockSync {
  readonly #mode: ClockMode;
  readonly #log: Warner;
  #synced: boolean;
  #offsetMs: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastProblem: string | undefined;

  constructor(mode: ClockMode, log: Warner) {
    this.#mode = mode;
    this.#log = log;
    this.#synced = mode === 'trust';
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** How far off the clock is as systemd-timesyncd last measured it, when it says. */
  get offsetMs(): number | undefined {
    return this.#offsetMs;
  }

  async start(): Promise<void> {
    if (this.#mode === 'trust') return;
    await this.#check();
    this.#timer = setInterval(() => void this.#check(), CHECK_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): Promise<void> {
    return new Promise((resolve) => {
      execFile(
        'timedatectl',
        ['show', '--property=NTPSynchronized', '--value'],
        { timeout: 5000 },
        (err, stdout) => {
          const problem = err ? `timedatectl cannot tell (${err.message.split('\n')[0]})` : undefined;
          this.#synced = !err && stdout.trim() === 'yes';
          if (problem && problem !== this.#lastProblem) {
            this.#log.warn(
              { problem },
              'cannot tell whether the system clock is synchronised; the radio stays unarmed (TT_RADIO_CLOCK=trust if the host keeps time)',
            );
          }
          this.#lastProblem = problem;
          if (err) return resolve();
          execFile('timedatectl', ['timesync-status'], { timeout: 5000 }, (_err, status) => {
            this.#offsetMs = parseOffsetMs(status ?? '');
            resolve();
          });
        },
      );
    });
  }
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, min: 60_000 };

/** The `Offset:` line of `timedatectl timesync-status` ("Offset: -1.234ms"), in milliseconds. */
export function parseOffsetMs(status: string): number | undefined {
  const match = /Offset:\s*([+-]?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|min)\b/.exec(status);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}
