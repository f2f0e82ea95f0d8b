import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

/**
 * How long the event loop was held up since the hub finished starting: commands to loudspeakers
 * must leave on time while ratings pour in, and the store's calls are synchronous. Read in health.
 */
export class EventLoopDelay {
  #histogram: ELDHistogram | undefined;

  start(): void {
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
  }

  stop(): void {
    this.#histogram?.disable();
  }

  /** p50, p99 and max in milliseconds; zeros before the first reading. */
  read(): { p50_ms: number; p99_ms: number; max_ms: number } {
    const h = this.#histogram;
    // Node records the time between two ticks of its sampling timer, the resolution included (an
    // idle loop reads 10 ms): the delay is what is over it.
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
    if (!h || h.count === 0) return { p50_ms: 0, p99_ms: 0, max_ms: 0 };
    return { p50_ms: ms(h.percentile(50)), p99_ms: ms(h.percentile(99)), max_ms: ms(h.max) };
  }
}
