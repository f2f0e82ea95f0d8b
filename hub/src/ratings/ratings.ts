import { classifyRating } from '../../../protocol/index.ts';
import type { DeskState } from '../presence/index.ts';
import type { Store } from '../store/index.ts';
import { type Indicators, type RatingRow, rank, summarize } from './indicators.ts';
import { type MisuseReason, misuseReasons } from './misuse.ts';

export type RatingRecord = {
  device: string;
  boot: string;
  seq: number;
  timeMs: number;
  desk: string;
  officer: string;
  score: number;
  scale: 3 | 4 | 5;
};

export type IndicatorQuery = { fromMs: number; toMs: number; desk?: string; officer?: string };

export type IndicatorReport = Indicators & {
  ranking: { desks: Array<{ id: string } & Indicators>; officers: Array<{ id: string } & Indicators> };
};

/** The ratings domain: flags and keeps every rating with its attribution, and computes indicators. */
export class Ratings {
  readonly #db: Store;
  readonly #isOfficeTime: (at: Date) => boolean;
  readonly #repeatIntervalMs: number;

  readonly #deskState: (desk: string, atMs: number) => DeskState;

  constructor(
    db: Store,
    policy: {
      isOfficeTime: (at: Date) => boolean;
      repeatIntervalMs: number;
      /** What the desk's presence sensor saw at a moment (the presence domain). */
      deskState: (desk: string, atMs: number) => DeskState;
    },
  ) {
    this.#db = db;
    this.#isOfficeTime = policy.isOfficeTime;
    this.#repeatIntervalMs = policy.repeatIntervalMs;
    this.#deskState = policy.deskState;
  }

  /**
   * Flag and keep one rating; call inside the transaction that records the event's identity.
   * A counted (unflagged) press restarts the repeat interval of its box.
   */
  record(rating: RatingRecord): { misuse: MisuseReason[]; satisfied: boolean; unsatisfied: boolean } {
    const last = this.#db
      .prepare('SELECT time_ms FROM rating_last_counted WHERE device = ?')
      .get(rating.device) as { time_ms: number } | undefined;
    const misuse = misuseReasons({
      timeMs: rating.timeMs,
      lastCountedMs: last === undefined ? undefined : Number(last.time_ms),
      repeatIntervalMs: this.#repeatIntervalMs,
      officeTime: this.#isOfficeTime(new Date(rating.timeMs)),
      deskState: this.#deskState(rating.desk, rating.timeMs),
    });
    if (misuse.length === 0) {
      this.#db
        .prepare('INSERT OR REPLACE INTO rating_last_counted (device, time_ms) VALUES (?, ?)')
        .run(rating.device, rating.timeMs);
    }
    const { satisfied, unsatisfied } = classifyRating(rating);
    this.#db
      .prepare(
        `INSERT OR IGNORE INTO ratings (device, boot, seq, time_ms, desk, officer, score, scale, satisfied, unsatisfied, misuse)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        rating.device,
        rating.boot,
        rating.seq,
        rating.timeMs,
        rating.desk,
        rating.officer,
        rating.score,
        rating.scale,
        Number(satisfied),
        Number(unsatisfied),
        misuse.join(','),
      );
    return { misuse, satisfied, unsatisfied };
  }

  /** Counted ratings and unsatisfied ones of a desk in [from, to]: the window of share alerts. */
  window(desk: string, fromMs: number, toMs: number): { rated: number; unsatisfied: number } {
    const row = this.#db
      .prepare(
        `SELECT COUNT(*) AS rated, COALESCE(SUM(unsatisfied), 0) AS unsatisfied FROM ratings
         WHERE desk = ? AND misuse = '' AND time_ms >= ? AND time_ms <= ?`,
      )
      .get(desk, fromMs, toMs) as { rated: number; unsatisfied: number };
    return { rated: Number(row.rated), unsatisfied: Number(row.unsatisfied) };
  }

  /** Indicators for the commune, a desk or an official over [from, to), with the rankings. */
  indicators(query: IndicatorQuery): IndicatorReport {
    const rows = this.#db
      .prepare(
        `SELECT desk, officer, score, scale, satisfied, unsatisfied, misuse FROM ratings
         WHERE time_ms >= ? AND time_ms < ? AND (? IS NULL OR desk = ?) AND (? IS NULL OR officer = ?)`,
      )
      .all(
        query.fromMs,
        query.toMs,
        query.desk ?? null,
        query.desk ?? null,
        query.officer ?? null,
        query.officer ?? null,
      ) as Array<RatingRow & { desk: string; officer: string }>;
    return { ...summarize(rows), ranking: { desks: rank(rows, 'desk'), officers: rank(rows, 'officer') } };
  }
}
