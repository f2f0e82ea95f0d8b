import type { Logger } from 'pino';
import { clip } from '../../../protocol/index.ts';
import type { EventBus, RejectionKind } from '../bus.ts';
import { type Store, statement } from '../store/index.ts';

// The dead-letter table keeps the latest rejections for technicians; older ones are pruned so a
// device stuck in a loop cannot fill the Pi's SD card.
const KEEP_ROWS = 50_000;
const PRUNE_EVERY = 1_000;

export type Rejection = {
  client: string | null;
  kind: RejectionKind;
  topic: string | null;
  reason: string;
  payload?: Uint8Array;
};

/** Everything the hub refuses: stored with its reason, counted and logged (docs/architecture.md). */
export class Rejections {
  readonly #db: Store;
  readonly #log: Logger;
  readonly #bus: EventBus;
  readonly #counts: Record<RejectionKind, number> = {
    auth: 0,
    'acl-publish': 0,
    'acl-subscribe': 0,
    topic: 0,
    payload: 0,
  };
  #sincePrune = 0;

  constructor(db: Store, log: Logger, bus: EventBus) {
    this.#db = db;
    this.#log = log;
    this.#bus = bus;
  }

  record(rejection: Rejection): void {
    this.#counts[rejection.kind] += 1;
    const topic = rejection.topic === null ? null : clip(rejection.topic, 200);
    statement(
      this.#db,
      'INSERT INTO rejected (at, client, kind, topic, reason, payload) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      new Date().toISOString(),
      rejection.client,
      rejection.kind,
      topic,
      rejection.reason,
      rejection.payload?.subarray(0, 4096) ?? null,
    );
    if (++this.#sincePrune >= PRUNE_EVERY) this.#prune();
    // Client mistakes are logged at warn: they need a technician, not a developer.
    this.#log.warn(
      { client: rejection.client, kind: rejection.kind, topic },
      `rejected: ${rejection.reason}`,
    );
    this.#bus.emit('message.rejected', { ...rejection, topic });
  }

  counts(): Readonly<Record<RejectionKind, number>> & { total: number } {
    const total = Object.values(this.#counts).reduce((a, b) => a + b, 0);
    return { ...this.#counts, total };
  }

  #prune(): void {
    this.#sincePrune = 0;
    statement(this.#db, 'DELETE FROM rejected WHERE id <= (SELECT MAX(id) FROM rejected) - ?').run(KEEP_ROWS);
  }
}
