import type { Logger } from 'pino';
import type { Outbox } from '../ingest/index.ts';
import type { InfluxHttp } from './connection.ts';
import { applyKeeping, byPolicy, RECENT } from './keeping.ts';

export type WriterState = 'starting' | 'writing' | 'retrying' | 'stopped';

export type WriterStatus = {
  state: WriterState;
  written: number;
  last_write_at: string | null;
  /** Since when writes fail, and why; null while they succeed. */
  failing_since: string | null;
  last_error: string | null;
};

export type WriterOptions = {
  outbox: Outbox;
  influx: InfluxHttp;
  log: Logger;
  /** The site's offset from UTC in minutes: the continuous queries count its local days (keeping.ts). */
  utcOffsetMin: number;
  /** docs/architecture.md: up to 1,000 points a batch (each a short hold of the event loop), every 250 ms. */
  batchSize?: number;
  intervalMs?: number;
  maxBackoffMs?: number;
  now?: () => Date;
};

/**
 * Drains the outbox to InfluxDB: the oldest points first, in batches, deleting only what InfluxDB
 * acknowledged. While InfluxDB is unreachable the points wait and the writer retries with backoff;
 * a write repeated after a crash overwrites the same points (same tags, same time), never adds.
 */
export class InfluxWriter {
  readonly #o: Required<Omit<WriterOptions, 'now'>> & { now: () => Date };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Set by stop(): a drain under way when it came schedules no other. */
  #stopped = true;
  #databaseReady = false;
  #backoffMs = 0;
  #status: WriterStatus = {
    state: 'stopped',
    written: 0,
    last_write_at: null,
    failing_since: null,
    last_error: null,
  };

  constructor(options: WriterOptions) {
    this.#o = {
      batchSize: 1_000,
      // Well under the second promised: a point waits at most this long once it is in the outbox.
      intervalMs: 250,
      maxBackoffMs: 30_000,
      now: () => new Date(),
      ...options,
    };
  }

  start(): void {
    this.#stopped = false;
    this.#status.state = 'starting';
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#status.state = 'stopped';
    await this.#running;
    // A drain that was under way set its own state on the way out.
    this.#status.state = 'stopped';
    this.#o.influx.close();
  }

  status(): Readonly<WriterStatus> {
    return { ...this.#status };
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#drain().finally(() => {
        this.#running = undefined;
      });
    }, delayMs);
  }

  /** One batch; then the next at once if the outbox is still full, else after the interval. */
  async #drain(): Promise<void> {
    const { outbox, influx, batchSize, intervalMs, log } = this.#o;
    try {
      if (!this.#databaseReady) {
        await applyKeeping(influx, this.#o.utcOffsetMin);
        this.#databaseReady = true;
      }
      const batch = outbox.oldest(batchSize);
      if (batch) {
        // Both parts of a batch land before it leaves the outbox; written again, a point overwrites itself.
        const { kept, recent } = byPolicy(batch.lines);
        if (kept) await influx.write(kept);
        if (recent) await influx.write(recent, RECENT.name);
        await outbox.removeThrough(batch.throughId);
        this.#status.written += batch.points;
        this.#status.last_write_at = this.#o.now().toISOString();
      }
      if (this.#status.failing_since) log.info({ backlog: outbox.backlog() }, 'InfluxDB writes resumed');
      Object.assign(this.#status, { state: 'writing', failing_since: null, last_error: null });
      this.#backoffMs = 0;
      this.#schedule(batch && batch.points >= batchSize ? 0 : intervalMs);
    } catch (err) {
      const message = (err as Error).message;
      if (/database not found/i.test(message)) this.#databaseReady = false;
      if (!this.#status.failing_since) {
        log.warn(
          { err: message, backlog: outbox.backlog() },
          'InfluxDB write failed; points wait in the outbox',
        );
        this.#status.failing_since = this.#o.now().toISOString();
      }
      Object.assign(this.#status, { state: 'retrying', last_error: message });
      this.#backoffMs = Math.min(Math.max(this.#backoffMs * 2, 1_000), this.#o.maxBackoffMs);
      this.#schedule(this.#backoffMs);
    }
  }
}
