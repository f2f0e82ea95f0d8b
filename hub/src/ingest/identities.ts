import { type GroupCommit, type Store, statement } from '../store/index.ts';

/** A boot's latest run of seqs taken in, [first, last]; both -1 while the boot has none. */
type Run = { bootId: number; first: number; last: number };

/** Boots kept in memory: past this, at the end of a unit of work, the cache starts again from the store. */
const MAX_BOOTS = 10_000;

const SAVE_RUN = `INSERT INTO event_runs (boot_id, first_seq, last_seq) VALUES (?, ?, ?)
  ON CONFLICT (boot_id, first_seq) DO UPDATE SET last_seq = excluded.last_seq`;

/**
 * Every event identity (device, boot, seq) the hub has taken in, forever (docs/protocol.md,
 * identity), kept as runs of consecutive seqs per boot: a device counts its events from 0 at each
 * boot and sends the oldest first, so a boot is one run but for the seqs it never sent or the hub
 * refused, and a few more if some came late (runs are not merged: a late seq that fills a gap
 * leaves the runs on either side of it). A row per event in the box's own order cost a page of
 * the log per box in every batch. A boot's latest run is answered from memory and written at the
 * end of the unit of work, once per batch; a run a gap leaves behind, and a late seq, are written
 * at once. The cache is dropped whenever a unit rolls back, like the other answers kept beside
 * the store, so it never holds what the store does not.
 */
export class EventIdentities {
  readonly #db: Store;
  readonly #commits: GroupCommit;
  readonly #latest = new Map<string, Map<string, Run>>();
  #boots = 0;
  readonly #changed = new Set<Run>();

  constructor(db: Store, commits: GroupCommit) {
    this.#db = db;
    this.#commits = commits;
    commits.beforeCommit(() => this.#save());
    commits.onRollback(() => this.#forget());
  }

  /** Take the event in: true when it is new, false when the hub already has it. Inside a unit of work. */
  claim(device: string, boot: string, seq: number): boolean {
    // Outside one, the latest run would never be written: the event would be new again after a restart.
    if (!this.#commits.working) throw new Error('an event identity is claimed inside a unit of work only');
    const run = this.#latestRun(device, boot);
    if (seq > run.last) {
      // The next seq of the run grows it. The boot's first starts its run; after a gap (seqs never
      // sent, or refused) the run so far is kept, and a new one starts.
      if (run.last < 0 || seq !== run.last + 1) {
        if (this.#changed.delete(run)) this.#write(run);
        run.first = seq;
      }
      run.last = seq;
      this.#changed.add(run);
      return true;
    }
    if (seq >= run.first) return false;
    return this.#claimEarlier(run.bootId, seq);
  }

  /** A seq older than the boot's latest run: a late one, or a repeat, looked up in the store. */
  #claimEarlier(bootId: number, seq: number): boolean {
    const before = this.#runFrom(bootId, seq);
    if (before && before.last >= seq) return false;
    this.#write(before?.last === seq - 1 ? { ...before, last: seq } : { bootId, first: seq, last: seq });
    return true;
  }

  /** The boot's run that starts at `seq` or is the latest to start before it, from the store. */
  #runFrom(bootId: number, seq: number): Run | undefined {
    const row = statement(
      this.#db,
      'SELECT first_seq, last_seq FROM event_runs WHERE boot_id = ? AND first_seq <= ? ORDER BY first_seq DESC LIMIT 1',
    ).get(bootId, seq) as { first_seq: number; last_seq: number } | undefined;
    return row && { bootId, first: Number(row.first_seq), last: Number(row.last_seq) };
  }

  #latestRun(device: string, boot: string): Run {
    let boots = this.#latest.get(device);
    if (!boots) {
      boots = new Map();
      this.#latest.set(device, boots);
    }
    let run = boots.get(boot);
    if (!run) {
      run = this.#load(device, boot);
      boots.set(boot, run);
      this.#boots += 1;
    }
    return run;
  }

  #load(device: string, boot: string): Run {
    const known = statement(this.#db, 'SELECT id FROM event_boots WHERE device = ? AND boot = ?').get(
      device,
      boot,
    ) as { id: number } | undefined;
    if (!known) {
      const { lastInsertRowid } = statement(
        this.#db,
        'INSERT INTO event_boots (device, boot) VALUES (?, ?)',
      ).run(device, boot);
      return { bootId: Number(lastInsertRowid), first: -1, last: -1 };
    }
    const bootId = Number(known.id);
    return this.#runFrom(bootId, Number.MAX_SAFE_INTEGER) ?? { bootId, first: -1, last: -1 };
  }

  #write(run: Run): void {
    statement(this.#db, SAVE_RUN).run(run.bootId, run.first, run.last);
  }

  #save(): void {
    for (const run of this.#changed) this.#write(run);
    this.#changed.clear();
    if (this.#boots > MAX_BOOTS) this.#forget();
  }

  #forget(): void {
    this.#latest.clear();
    this.#changed.clear();
    this.#boots = 0;
  }
}
