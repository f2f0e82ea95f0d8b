import { type Store, statement } from '../store/index.ts';

export type RatingWindow = { rated: number; unsatisfied: number };

/**
 * A desk's counted ratings from a time on, in time order: read through the ratings of every desk
 * from that time on (the table is in time order), as a desk's own index would cost every rating a
 * write in its desk's place. Asked rarely: when a desk is first counted, and for a window older
 * than what memory keeps.
 */
export const DESK_COUNTED_SINCE = `SELECT time_ms, unsatisfied FROM ratings
  WHERE desk = ? AND misuse = '' AND time_ms >= ? ORDER BY time_ms`;
/** How many counted ratings a desk had between two times, and how many of them unsatisfied. */
export const DESK_COUNTED_BETWEEN = `SELECT COUNT(*) AS rated, COALESCE(SUM(unsatisfied), 0) AS unsatisfied
  FROM ratings WHERE desk = ? AND misuse = '' AND time_ms >= ? AND time_ms <= ?`;

/** A desk's counted ratings from `horizon` on, by time, with running counts of the unsatisfied. */
type DeskRatings = { horizon: number; times: number[]; unsatisfiedBefore: number[] };

/**
 * A desk's counted ratings kept in memory, at most: ~160 KB. Past it the oldest half goes, so
 * memory has a bound whatever times devices send, and a desk keeps days of a commune's ratings.
 */
const MAX_KEPT = 10_000;

/**
 * The counted ratings of each desk over the alert window, kept in memory: counting them in the
 * store at every press costs more the busier the desk, exactly when presses pour in. Each desk is
 * loaded from the store on first use, from one window before the first window asked about (the
 * newest `maxKept` of them), and kept; a rating added past `maxKept` sends the oldest half away.
 * So the presses of a box whose clock or queue runs hours behind its desk's others (across a
 * night, too) are counted in memory; a window that begins before what is kept (a queue from long
 * ago) is counted in the store. Call `forget` when a transaction that added ratings rolls back.
 */
export class CountedWindows {
  readonly #db: Store;
  readonly #windowMs: number;
  readonly #maxKept: number;
  readonly #desks = new Map<string, DeskRatings>();

  constructor(db: Store, windowMs: number, options: { maxKept?: number } = {}) {
    this.#db = db;
    this.#windowMs = windowMs;
    this.#maxKept = options.maxKept ?? MAX_KEPT;
  }

  /** A counted rating was stored (in the transaction now running). */
  add(desk: string, timeMs: number, unsatisfied: boolean): void {
    const ratings = this.#desks.get(desk);
    if (!ratings || timeMs < ratings.horizon) return;
    const { times, unsatisfiedBefore } = ratings;
    const at = upperBound(times, timeMs);
    if (at === times.length) {
      // Usually the newest, at the end.
      times.push(timeMs);
      unsatisfiedBefore.push(unsatisfiedBefore[at]! + Number(unsatisfied));
    } else {
      // A late one shifts the counts after it.
      times.splice(at, 0, timeMs);
      unsatisfiedBefore.splice(at + 1, 0, unsatisfiedBefore[at]!);
      for (let i = at + 1; i < unsatisfiedBefore.length; i++) unsatisfiedBefore[i]! += Number(unsatisfied);
    }
    if (times.length > this.#maxKept) dropOldest(ratings, times.length - (this.#maxKept >> 1));
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

  /** The desk's ratings in memory if they cover `fromMs`; loaded on first use. */
  #forWindow(desk: string, fromMs: number): DeskRatings | undefined {
    let ratings = this.#desks.get(desk);
    if (!ratings) {
      const horizon = fromMs - this.#windowMs;
      const rows = statement(this.#db, DESK_COUNTED_SINCE).all(desk, horizon) as Array<{
        time_ms: number;
        unsatisfied: number;
      }>;
      ratings = { horizon, times: [], unsatisfiedBefore: [0] };
      for (const row of rows) {
        ratings.times.push(Number(row.time_ms));
        ratings.unsatisfiedBefore.push(ratings.unsatisfiedBefore.at(-1)! + Number(row.unsatisfied));
      }
      if (ratings.times.length > this.#maxKept) dropOldest(ratings, ratings.times.length - this.#maxKept);
      this.#desks.set(desk, ratings);
    }
    return fromMs < ratings.horizon ? undefined : ratings;
  }

  #fromStore(desk: string, fromMs: number, toMs: number): RatingWindow {
    const row = statement(this.#db, DESK_COUNTED_BETWEEN).get(desk, fromMs, toMs) as {
      rated: number;
      unsatisfied: number;
    };
    return { rated: Number(row.rated), unsatisfied: Number(row.unsatisfied) };
  }
}

/**
 * Let the oldest `count` ratings go (and any at the same time as the last of them): the kept ones
 * are then every counted rating from the new horizon on.
 */
function dropOldest(ratings: DeskRatings, count: number): void {
  const drop = upperBound(ratings.times, ratings.times[count - 1]!);
  ratings.horizon = ratings.times[drop - 1]! + 1;
  ratings.times.splice(0, drop);
  ratings.unsatisfiedBefore.splice(0, drop);
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
