import { classifyRating } from '../../../protocol/index.ts';
import type { Accepted, IngestSteps, Outbox } from '../ingest/index.ts';
import type { DeskState } from '../presence/index.ts';
import { type GroupCommit, type Store, statement } from '../store/index.ts';
import { type Indicators, type RatingRow, rank, summarize } from './indicators.ts';
import { type MisuseReason, misuseReasons } from './misuse.ts';
import { type Attribution, ratingPoint, ratingReasonPoint } from './points.ts';
import { CountedWindows, type RatingWindow } from './window.ts';

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

export type RatingsDeps = {
  site: string;
  db: Store;
  /** The store's group commit: the repeat check's times are written once per batch through it. */
  commits: GroupCommit;
  outbox: Outbox;
  steps: IngestSteps;
  isOfficeTime: (at: Date) => boolean;
  repeatIntervalMs: number;
  /** What the desk's presence sensor saw at a moment (the presence domain). */
  deskState: (desk: string, atMs: number) => DeskState;
  /** The official on duty at a desk at a moment, from the site config's roster. */
  officerAt: (desk: string, at: Date) => string | null;
  /** The desk's counted ratings over the alert window ending at a press. */
  windowMs: number;
  /** A counted press, with its desk's window: alerts decide what it calls for. */
  onCounted: (rating: RatingRecord & { unsatisfied: boolean }, window: RatingWindow) => void;
};

const OWNER = 'ratings';

/**
 * The ratings domain: attributes, flags and keeps every press and its follow-up reason, each with
 * its InfluxDB point, inside the transaction that accepts the event; computes the indicators.
 */
export class Ratings {
  readonly #deps: RatingsDeps;
  readonly #db: Store;
  readonly #windows: CountedWindows;
  /**
   * Each box's last counted press (undefined: none yet), read from the store once; the boxes
   * whose time changed in the running transaction are written at its end, once each.
   */
  readonly #lastCounted = new Map<string, number | undefined>();
  readonly #lastCountedChanged = new Set<string>();

  constructor(deps: RatingsDeps) {
    this.#deps = deps;
    this.#db = deps.db;
    this.#windows = new CountedWindows(deps.db, deps.windowMs);
    deps.commits.beforeCommit(() => this.#writeLastCounted());
    deps.commits.onRollback(() => {
      this.#windows.forget();
      this.#lastCounted.clear();
      this.#lastCountedChanged.clear();
    });
  }

  start(): void {
    this.#deps.steps.on('rating', OWNER, (accepted) => this.#onRating(accepted));
    this.#deps.steps.on('rating-reason', OWNER, ({ device, body, time }) =>
      this.#deps.outbox.add(ratingReasonPoint(this.#attribution(device, time), body, time.getTime())),
    );
  }

  stop(): void {
    this.#deps.steps.removeOwner(OWNER);
  }

  #onRating({ device, body, time }: Accepted<'rating'>): void {
    const at = this.#attribution(device, time);
    const counted = {
      ...at,
      boot: body.boot,
      seq: body.seq,
      timeMs: time.getTime(),
      score: body.score,
      scale: body.scale,
    };
    const { misuse, satisfied, unsatisfied } = this.#record(counted);
    this.#deps.outbox.add(ratingPoint(at, body, { satisfied, unsatisfied }, misuse, counted.timeMs));
    if (misuse.length > 0) return;
    this.#deps.onCounted({ ...counted, unsatisfied }, this.#windows.at(counted.desk, counted.timeMs));
  }

  #attribution(device: { id: string; desk: string | null }, time: Date): Attribution {
    const desk = device.desk ?? 'none';
    const officer = device.desk ? this.#deps.officerAt(device.desk, time) : null;
    return { site: this.#deps.site, desk, device: device.id, officer: officer ?? 'none' };
  }

  /** Flag and keep one rating. A counted (unflagged) press restarts the repeat interval of its box. */
  #record(rating: RatingRecord): { misuse: MisuseReason[]; satisfied: boolean; unsatisfied: boolean } {
    const misuse = misuseReasons({
      timeMs: rating.timeMs,
      lastCountedMs: this.#lastCountedOf(rating.device),
      repeatIntervalMs: this.#deps.repeatIntervalMs,
      officeTime: this.#deps.isOfficeTime(new Date(rating.timeMs)),
      deskState: this.#deps.deskState(rating.desk, rating.timeMs),
    });
    const { satisfied, unsatisfied } = classifyRating(rating);
    if (misuse.length === 0) {
      this.#lastCounted.set(rating.device, rating.timeMs);
      this.#lastCountedChanged.add(rating.device);
      this.#windows.add(rating.desk, rating.timeMs, unsatisfied);
    }
    statement(
      this.#db,
      `INSERT INTO ratings (device, boot, seq, time_ms, desk, officer, score, scale, satisfied, unsatisfied, misuse)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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

  #lastCountedOf(device: string): number | undefined {
    if (!this.#lastCounted.has(device)) {
      const row = statement(this.#db, 'SELECT time_ms FROM rating_last_counted WHERE device = ?').get(
        device,
      ) as { time_ms: number } | undefined;
      this.#lastCounted.set(device, row === undefined ? undefined : Number(row.time_ms));
    }
    return this.#lastCounted.get(device);
  }

  #writeLastCounted(): void {
    for (const device of this.#lastCountedChanged) {
      statement(
        this.#db,
        `INSERT INTO rating_last_counted (device, time_ms) VALUES (?, ?)
           ON CONFLICT (device) DO UPDATE SET time_ms = excluded.time_ms`,
      ).run(device, this.#lastCounted.get(device)!);
    }
    this.#lastCountedChanged.clear();
  }

  /** Indicators for the commune, a desk or an official over [from, to), with the rankings. */
  indicators(query: IndicatorQuery): IndicatorReport {
    const rows = statement(
      this.#db,
      `SELECT desk, officer, score, scale, satisfied, unsatisfied, misuse FROM ratings
         WHERE time_ms >= ? AND time_ms < ? AND (? IS NULL OR desk = ?) AND (? IS NULL OR officer = ?)`,
    ).all(
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
