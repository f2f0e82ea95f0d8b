import type { Outbox } from '../ingest/index.ts';

export type HubMetricsSource = {
  site: string;
  outbox: Outbox;
  /** Events accepted since start. */
  accepted: () => number;
  /** Messages refused since start. */
  rejected: () => number;
  now?: () => number;
};

/**
 * The hub's own health as the `hub` measurement (docs/influxdb.md), written through the outbox like any
 * point, once a minute: backlog, event rate, memory and refusals, so Grafana can watch the hub.
 */
export class HubMetrics {
  readonly #s: Required<HubMetricsSource>;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #last: { at: number; accepted: number };
  #rate = 0;

  constructor(source: HubMetricsSource, intervalMs = 60_000) {
    this.#s = { now: Date.now, ...source };
    this.#intervalMs = intervalMs;
    this.#last = { at: this.#s.now(), accepted: 0 };
  }

  /** Sample every interval from now on; an interval of 0 leaves sampling to whoever calls `sample`. */
  start(): void {
    this.#last = { at: this.#s.now(), accepted: this.#s.accepted() };
    if (this.#intervalMs === 0) return;
    this.#timer = setInterval(() => this.sample(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Events accepted per second over the last interval. */
  get eventsPerS(): number {
    return this.#rate;
  }

  /** Take one sample now and queue it for InfluxDB. */
  sample(): void {
    const at = this.#s.now();
    const accepted = this.#s.accepted();
    const seconds = (at - this.#last.at) / 1000;
    this.#rate = seconds > 0 ? (accepted - this.#last.accepted) / seconds : 0;
    this.#last = { at, accepted };
    this.#s.outbox.add({
      measurement: 'hub',
      tags: { site: this.#s.site },
      fields: {
        outbox_backlog: this.#s.outbox.backlog(),
        events_per_s: this.#rate,
        rss_mb: process.memoryUsage.rss() / 1_048_576,
        rejected: this.#s.rejected(),
      },
      timeMs: at,
    });
  }
}
