import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from 'pino';
import { Checkpointer } from './checkpointer.ts';
import { statement } from './statements.ts';
import { transaction, withoutDiskWait } from './store.ts';
import { WalSync } from './wal-sync.ts';

type Queued = { work: () => void; done: (err?: Error) => void };

/**
 * A batch is committed once it holds this many messages or took this long: the store's calls are
 * synchronous, and the event loop must never be held for long (broadcast commands leave on time
 * while ratings pour in). What is left waits for the next turn. 3 ms, not 5: once fewer threads
 * took the main thread's core (hub/src/runtime.ts) the batch was the longest part of a long turn,
 * and 3 ms cut the event loop's worst delay under the ingest bench (docs/benchmarks.md).
 */
const MAX_BATCH = 2_000;
const MAX_BATCH_MS = 3;

/**
 * Group commit: the messages that arrive together are written in one transaction, and each is
 * answered (its PUBACK sent) only once that transaction is on disk, so a PUBACK still means
 * durable (docs/protocol.md, delivery). A batch is first run as one unit of work; if a message in
 * it fails, the batch is rolled back and run again with each message in a savepoint of its own, so
 * only the ones that fail are answered with their error. A failed commit or sync answers the whole
 * batch with the error, and no PUBACK of it is sent.
 *
 * Components that gather rows during a unit (the outbox's points) write them in `beforeCommit`,
 * once per unit rather than once per message, and those that keep state beside the store drop it
 * in `onRollback`.
 */
export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  readonly #maxBatchMs: number;
  readonly #wal: WalSync;
  readonly #checkpoints: Checkpointer;
  readonly #beforeCommit: Array<() => void> = [];
  readonly #onRollback: Array<() => void> = [];
  /** The last batch's sync: stopping waits for it. */
  #lastSync: Promise<void> = Promise.resolve();
  #queue: Queued[] = [];
  #scheduled = false;
  #stopped = false;
  /** Stopping: what is queued is committed at once, without waiting for the worker. */
  #stopping = false;
  /** Effects of the unit of work now running, to happen once it is committed; set while one runs. */
  #effects: Array<() => void> | undefined;

  /** `maxBatchMs`: how long one batch may run before the rest waits for the next (3 ms). */
  constructor(db: DatabaseSync, log: Logger, options: { maxBatchMs?: number } = {}) {
    this.#db = db;
    this.#log = log;
    this.#maxBatchMs = options.maxBatchMs ?? MAX_BATCH_MS;
    this.#wal = new WalSync(db);
    this.#checkpoints = new Checkpointer(db, log, () => {
      this.#scheduled = false;
      this.#again();
    });
  }

  /** `hook` runs at the end of every unit of work, inside its transaction: write what it gathered. */
  beforeCommit(hook: () => void): void {
    this.#beforeCommit.push(hook);
  }

  /**
   * `hook` runs after a unit of work was rolled back: forget what it gathered or cached. Every hook
   * runs even if one throws: a cache kept past a rollback would answer from what the store lost.
   */
  onRollback(hook: () => void): void {
    this.#onRollback.push(hook);
  }

  /** Whether a unit of work is running, whose `beforeCommit` hooks are still to come. */
  get working(): boolean {
    return this.#effects !== undefined;
  }

  /** Run `work` in the next batch; `done` is called once it is durable, or with why it failed. */
  submit(work: () => void, done: (err?: Error) => void): void {
    if (this.#stopped) {
      done(new Error('the store is closing'));
      return;
    }
    this.#queue.push({ work, done });
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Everything that arrives in this turn of the event loop joins the batch.
    setImmediate(() => this.#flushUnlessHeld());
  }

  /** Run `work` in the next batch when nothing waits for it: a failure is logged, `what` says what failed. */
  later(work: () => void, what: string): void {
    this.submit(work, (err) => {
      if (err) this.#log.warn({ err }, what);
    });
  }

  /**
   * Run `work` in a transaction of its own now; inside a unit of work, as part of it. The commit
   * waits for the disk on the event loop, so it is durable when this returns: for a caller that may
   * hold the loop for it (a message fed straight to `Ingest.accept`). The hub's own work outside a
   * batch uses `durably` or `later`, which leave the event loop free.
   */
  now<T>(work: () => T): T {
    if (this.#effects) return work();
    const effects: Array<() => void> = [];
    this.#effects = effects;
    let result: T;
    try {
      result = transaction(this.#db, () => {
        const value = work();
        this.#endUnit();
        return value;
      });
    } catch (err) {
      this.#rolledBack();
      throw err;
    } finally {
      this.#effects = undefined;
    }
    this.#checkpoints.committed();
    this.#run(effects);
    return result;
  }

  /**
   * Run `work` in the next batch and resolve with its result once that batch is on disk: for what
   * the hub must not act on before it would survive a power cut (answer an operator, send a
   * speaker its play). The event loop goes on meanwhile; a failure of `work` rejects with its
   * error and undoes only it, a failed commit or sync rejects. Inside a unit of work, part of it.
   */
  async durably<T>(work: () => T): Promise<T> {
    if (this.#effects) return work();
    return new Promise<T>((resolve, reject) => {
      let result: T;
      this.submit(
        () => {
          result = work();
        },
        (err) => (err ? reject(err) : resolve(result)),
      );
    });
  }

  /**
   * BEGIN IMMEDIATE for a batch, whose commit syncs nothing (`synchronous=OFF`, WalSync syncs the
   * log after it): at NORMAL SQLite syncs the log's header in the commit that starts the log again
   * from its beginning, and that fsync held the event loop for up to 40 ms about once a second at a
   * steady 1,000 ratings/s (docs/benchmarks.md). But that header must be on disk before the frames
   * written over the old ones, or a power cut in the next sync could leave the old header with a
   * few old frames that recovery would take for the latest. So a commit must never start the log
   * again at OFF: when the log is all copied back (the commit would start it again; that is decided
   * at BEGIN and cannot change while this transaction holds the write lock), the batch is rolled
   * back and waits while the worker starts the log again in a commit of its own, which syncs the
   * header off the event loop (Checkpointer.restartLog); false then. When the worker cannot (it is
   * paused, or the store is closing) or `again` (the batch's second BEGIN, after a failed message),
   * the batch starts the log itself at NORMAL. Once SQLite checkpoints in the hub's own commits
   * (`inCommits`), every batch commits at NORMAL, which syncs what a checkpoint needs.
   */
  #begin(again = false): boolean {
    statement(this.#db, 'BEGIN IMMEDIATE').run();
    if (!this.#checkpoints.logWouldRestart()) return true;
    statement(this.#db, 'ROLLBACK').run();
    if (!again && !this.#stopping && this.#checkpoints.restartLog()) return false;
    statement(this.#db, 'PRAGMA synchronous = NORMAL').run();
    statement(this.#db, 'BEGIN IMMEDIATE').run();
    return true;
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
    let effects: Array<() => void> = [];
    let outcomes: Array<Error | undefined> = [];
    let taken = 0;
    let restarting = false;
    try {
      // The log is synced after the commit, off the event loop (WalSync).
      withoutDiskWait(
        this.#db,
        () => {
          try {
            this.#effects = effects;
            if (!this.#begin()) {
              restarting = true;
              return;
            }
            let failed: boolean;
            ({ taken, failed } = this.#runBatch());
            if (!failed) {
              this.#endUnit();
              outcomes = new Array(taken).fill(undefined);
            } else {
              statement(this.#db, 'ROLLBACK').run();
              this.#rolledBack();
              effects = [];
              this.#effects = effects;
              this.#begin(true);
              outcomes = this.#queue.slice(0, taken).map(({ work }) => this.#inSavepoint(work, effects));
            }
            statement(this.#db, 'COMMIT').run();
          } catch (err) {
            if (this.#db.isTransaction) statement(this.#db, 'ROLLBACK').run();
            throw err;
          }
        },
        this.#checkpoints.inCommits ? 'NORMAL' : 'OFF',
      );
    } catch (err) {
      this.#rolledBack();
      this.#effects = undefined;
      const failed = this.#queue.splice(0, Math.max(taken, 1));
      this.#again();
      for (const { done } of failed) done(err as Error);
      return;
    }
    this.#effects = undefined;
    if (restarting) {
      // Nothing was done; the batch waits for the worker to start the log again (its release flushes).
      this.#scheduled = true;
      return;
    }
    this.#checkpoints.committed();
    const batch = this.#queue.splice(0, taken);
    this.#again();
    // Answered once the log is on disk: each PUBACK lets its client's next packets be read and
    // parsed at once, and the next batch is taken in meanwhile.
    this.#lastSync = this.#wal.durable().then(
      () => {
        this.#run(effects);
        for (const [i, { done }] of batch.entries()) done(outcomes[i]);
      },
      (err: Error) => {
        this.#log.error(
          { err },
          'the store could not sync a batch to disk; its messages are not acknowledged',
        );
        for (const { done } of batch) done(err);
      },
    );
  }

  /**
   * Run queued messages as one unit until the batch is full or took long enough: how many it took
   * and whether one failed. At least one message per batch, so a batch always moves the queue on.
   */
  #runBatch(): { taken: number; failed: boolean } {
    const deadline = performance.now() + this.#maxBatchMs;
    let taken = 0;
    do {
      const { work } = this.#queue[taken++]!;
      try {
        work();
      } catch {
        return { taken, failed: true };
      }
    } while (taken < this.#queue.length && taken < MAX_BATCH && performance.now() < deadline);
    return { taken, failed: false };
  }

  /** Run one message in a savepoint of the batch: all of it or, with its error, none of it. */
  #inSavepoint(work: () => void, effects: Array<() => void>): Error | undefined {
    const kept = effects.length;
    try {
      transaction(this.#db, () => {
        work();
        this.#endUnit();
      });
      return undefined;
    } catch (err) {
      effects.length = kept;
      this.#rolledBack();
      return err as Error;
    }
  }

  #endUnit(): void {
    for (const hook of this.#beforeCommit) hook();
  }

  #rolledBack(): void {
    this.#run(this.#onRollback, 'forgetting what a rolled-back unit of work kept failed');
  }

  /** What did not fit in this batch goes in the next turn of the event loop. */
  #again(): void {
    if (this.#queue.length === 0 || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flushUnlessHeld());
  }

  /**
   * While the store's log is caught up (Checkpointer, `holding`) the batch waits and stays
   * scheduled; the checkpointer's release flushes it. The event loop is free meanwhile.
   */
  #flushUnlessHeld(): void {
    if (!this.#checkpoints.holding) this.flush();
  }

  /** Commit what is queued and answer it, then refuse more: the broker has stopped taking messages. */
  async stop(): Promise<void> {
    this.#stopping = true;
    while (this.#queue.length > 0) this.flush();
    this.#stopped = true;
    await this.#lastSync;
    this.#wal.close();
    await this.#checkpoints.stop();
  }

  /** Run each of `effects`, every one even if another throws; `what` is logged with an error. */
  #run(effects: Array<() => void>, what = 'an effect after commit failed'): void {
    for (const effect of effects) {
      try {
        effect();
      } catch (err) {
        this.#log.error({ err }, what);
      }
    }
  }
}
