import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from 'pino';
import { statement } from './statements.ts';
import { transaction } from './store.ts';

type Queued = { work: () => void; done: (err?: Error) => void };

/**
 * A batch is committed once it holds this many messages or took this long: the store's calls are
 * synchronous, and the event loop must never be held for long (broadcast commands leave on time
 * while ratings pour in). What is left waits for the next turn.
 */
const MAX_BATCH = 2_000;
const MAX_BATCH_MS = 5;

/**
 * Group commit: the messages that arrive together are written in one transaction and one fsync,
 * and each is answered (its PUBACK sent) only after the commit that holds it, so a PUBACK still
 * means durable (docs/protocol.md, delivery). Each message runs in its own savepoint: one that
 * fails is rolled back alone and answered with its error; a failed commit answers the whole batch
 * with the error, and no PUBACK of it is sent.
 */
export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  #queue: Queued[] = [];
  #scheduled = false;
  #stopped = false;
  /** Effects of the work now running, to happen once it is committed. */
  #effects: Array<() => void> | undefined;

  constructor(db: DatabaseSync, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /** Run `work` in the next batch; `done` is called after its commit, or with why it failed. */
  submit(work: () => void, done: (err?: Error) => void): void {
    if (this.#stopped) {
      done(new Error('the store is closing'));
      return;
    }
    this.#queue.push({ work, done });
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Everything that arrives in this turn of the event loop joins the batch.
    setImmediate(() => this.flush());
  }

  /** Run `work` in a transaction of its own now; inside the work of a batch, as part of it. */
  now<T>(work: () => T): T {
    if (this.#effects) return work();
    const effects: Array<() => void> = [];
    this.#effects = effects;
    let result: T;
    try {
      result = transaction(this.#db, work);
    } finally {
      this.#effects = undefined;
    }
    this.#run(effects);
    return result;
  }

  /** Do `effect` once the work now running is committed (at once when none runs). */
  afterCommit(effect: () => void): void {
    if (this.#effects) this.#effects.push(effect);
    else this.#run([effect]);
  }

  /** Commit what is queued now, as much as fits in one batch. */
  flush(): void {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    const effects: Array<() => void> = [];
    const outcomes: Array<Error | undefined> = [];
    const deadline = performance.now() + MAX_BATCH_MS;
    let taken = 0;
    this.#effects = effects;
    try {
      statement(this.#db, 'BEGIN IMMEDIATE').run();
      // At least one message per batch, so that a batch always moves the queue on.
      do {
        const { work } = this.#queue[taken++]!;
        const kept = effects.length;
        try {
          transaction(this.#db, work); // a savepoint of the batch: this message alone
          outcomes.push(undefined);
        } catch (err) {
          effects.length = kept;
          outcomes.push(err as Error);
        }
      } while (taken < this.#queue.length && taken < MAX_BATCH && performance.now() < deadline);
      statement(this.#db, 'COMMIT').run();
    } catch (err) {
      if (this.#db.isTransaction) statement(this.#db, 'ROLLBACK').run();
      this.#effects = undefined;
      const failed = this.#queue.splice(0, Math.max(taken, 1));
      this.#again();
      for (const { done } of failed) done(err as Error);
      return;
    }
    this.#effects = undefined;
    const batch = this.#queue.splice(0, taken);
    this.#again();
    // The answers in a turn of their own: each PUBACK lets its client's next packets be read and
    // parsed at once, and that work must not add to the hold this batch already made.
    setImmediate(() => {
      this.#run(effects);
      for (const [i, { done }] of batch.entries()) done(outcomes[i]);
    });
  }

  /** What did not fit in this batch goes in the next turn of the event loop. */
  #again(): void {
    if (this.#queue.length === 0 || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commit what is queued, then refuse more: the broker has stopped taking messages. */
  stop(): void {
    while (this.#queue.length > 0) this.flush();
    this.#stopped = true;
  }

  #run(effects: Array<() => void>): void {
    for (const effect of effects) {
      try {
        effect();
      } catch (err) {
        this.#log.error({ err }, 'an effect after commit failed');
      }
    }
  }
}
