import { type Store, statement } from '../store/index.ts';

export type RatingWindow = { rated: number; unsatisfied: number };

/** A desk's counted ratings from a time on, in time order (the index `ratings_counted_by_desk`). */
export const DESK_COUNTED_SINCE = `SELECT time_ms, unsatisfied FROM ratings
  WHERE desk = ? AND misuse = '' AND time_ms >= ? ORDER BY time_ms`;
/** How many counted ratings a desk had between two times, and how many of them unsatisfied. */
export const DESK_COUNTED_BETWEEN = `SELECT COUNT(*) AS rated, COALESCE(SUM(unsatisfied), 0) AS unsatisfied
  FROM ratings WHERE desk = ? AND misuse = '' AND time_ms >= ? AND time_ms <= ?`;

/** A desk's counted ratings from `horizon` on, by time, with running counts of the unsatisfied. */
type DeskRatings = { horizon: number; times: number[]; unsatisfiedBefore: number[] };

/**
 * The counted ratings of each desk over the alert window, kept in memory: counting them in the
 * store at every press costs more the busier the desk, exactly when presses pour in. Each desk is
 * loaded from the store on first use and kept from one window before the first window asked
 * about, so the presses of a box whose clock or queue runs behind are counted in memory too; a
 * window that begins earlier than that (a queue from long ago) is counted in the store.
 * Call `forget` when a transaction that added ratings rolls back.
 */
export class CountedWindows {
  readonly #db: Store;
  readonly #windowMs: number;
  readonly #desks = new Map<string, DeskRatings>();

  constructor(db: Store, windowMs: number) {
    this.#db = db;
    this.#windowMs = windowMs;
  }

  /** A counted rating was stored (in the transaction now running). */
  add(desk: string, timeMs: number, unsatisfied: boolean): void {
    const ratings = this.#desks.get(desk);
    if (!ratings || timeMs < ratings.horizon) return;
    const { times, unsatisfiedBefore } = ratings;
    const at = upperBound(times, timeMs);
    times.splice(at, 0, timeMs);
    unsatisfiedBefore.splice(at + 1, 0, unsatisfiedBefore[at]!);
    // Usually the newest, at the end; a late one shifts the counts after it.
    for (let i = at + 1; i < unsatisfiedBefore.length; i++) unsatisfiedBefore[i]! += Number(unsatisfied);
  }

  /** Counted and unsatisfied ratings of `desk` over the window ending at `toMs`. */
  at(desk: string, toMs: number): RatingWindow {
    const fromMs = toMs - this.#windowMs;
    const ratings = this.#forWindow(desk, fromMs);
    if (!ratings) return this.#fromStore(desk, fromMs, toMs);
    const { times, unsatisfiedBefore } = ratings;
    const from = lowerBound(times, fromMs);
    const to = upperBound(times, toMs);
    return { rated: to - from, unsatisfied: unsatisfiedBefore[to]! - unsatisfiedBefore[from]! };
  }

  forget(): void {
    this.#desks.clear();
  }

  /** The desk's ratings in memory if they cover `fromMs`; loaded on first use, trimmed as time goes on. */
  #forWindow(desk: string, fromMs: number): DeskRatings | undefined {
    const ratings = this.#desks.get(desk);
    if (!ratings) {
      const horizon = fromMs - this.#windowMs;
      const rows = statement(this.#db, DESK_COUNTED_SINCE).all(desk, horizon) as Array<{
        time_ms: number;
        unsatisfied: number;
      }>;
      const loaded: DeskRatings = { horizon, times: [], unsatisfiedBefore: [0] };
      for (const row of rows) {
        loaded.times.push(Number(row.time_ms));
        loaded.unsatisfiedBefore.push(loaded.unsatisfiedBefore.at(-1)! + Number(row.unsatisfied));
      }
      this.#desks.set(desk, loaded);
      return loaded;
    }
    if (fromMs < ratings.horizon) return undefined;
    // Keep one window behind the latest asked about, so memory stays bounded by two busy hours.
    if (fromMs - ratings.horizon > 2 * this.#windowMs) {
      const horizon = fromMs - this.#windowMs;
      const drop = lowerBound(ratings.times, horizon);
      ratings.times.splice(0, drop);
      ratings.unsatisfiedBefore.splice(0, drop);
      ratings.horizon = horizon;
    }
    return ratings;
  }

  #fromStore(desk: string, fromMs: number, toMs: number): RatingWindow {
    const row = statement(this.#db, DESK_COUNTED_BETWEEN).get(desk, fromMs, toMs) as {
      rated: number;
      unsatisfied: number;
    };
    return { rated: Number(row.rated), unsatisfied: Number(row.unsatisfied) };
  }
}

/** The first index whose time is ≥ `timeMs` (times ascending). */
function lowerBound(times: readonly number[], timeMs: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose time is > `timeMs`. */
function upperBound(times: readonly number[], timeMs: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
