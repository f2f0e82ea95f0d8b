import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * How long the event loop was held up since the hub finished starting: commands to loudspeakers
 * must leave on time while ratings pour in, and the store's calls are synchronous. Read in health.
 */
export class EventLoopDelay {
  #histogram: ELDHistogram | undefined;

  start(): void {
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
  }

  stop(): void {
    this.#histogram?.disable();
  }

  /** p50, p99 and max in milliseconds; zeros before the first reading. */
  read(): { p50_ms: number; p99_ms: number; max_ms: number } {
    const h = this.#histogram;
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    if (!h || h.count === 0) return { p50_ms: 0, p99_ms: 0, max_ms: 0 };
    return { p50_ms: ms(h.percentile(50)), p99_ms: ms(h.percentile(99)), max_ms: ms(h.max) };
  }
}
