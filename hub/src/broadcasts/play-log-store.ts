import { atLocalTime, siteIso } from '../config/calendar.ts';
import { type Store, statement } from '../store/index.ts';
import type { Tier } from './on-air.ts';
import type { PlayOutcome, PlayStatus } from './play-log.ts';

/** An airing on a speaker as the play log keeps it (nhật ký phát). */
export type PlayLogEntry = {
  scheduled_at: string;
  program: number;
  title: string;
  tier: Tier;
  zone: string;
  speaker: string;
  status: PlayStatus;
  offset_ms: number | null;
  played_s: number;
  error: string | null;
};

export type PlayLogFilter = {
  /** Local days of the site, inclusive. */
  from: string;
  to: string;
  zone?: string;
  speaker?: string;
  program?: number;
  status?: PlayStatus;
  tier?: Tier;
};

/** One zone and tier over a period: what the Friday report to the district counts. */
export type PlayLogSummary = {
  zone: string;
  tier: Tier;
  /** Airings scheduled in the zone. */
  airings: number;
  /** Minutes of sound, each airing counted once at its best speaker. */
  minutes_aired: number;
  /** Speakers' entries by status. */
  statuses: Partial<Record<PlayStatus, number>>;
};

/** The play log in the hub's store: one row per airing per speaker, written once. */
export class PlayLogStore {
  readonly #db: Store;
  readonly #timezone: string;

  constructor(db: Store, timezone: string) {
    this.#db = db;
    this.#timezone = timezone;
  }

  has(program: number, airingStartMs: number, speaker: string): boolean {
    return !!statement(
      this.#db,
      'SELECT 1 FROM play_log WHERE program = ? AND airing_start_ms = ? AND speaker = ?',
    ).get(program, airingStartMs, speaker);
  }

  record(
    entry: {
      program: number;
      title: string;
      tier: Tier;
      zone: string;
      speaker: string;
      airingStartMs: number;
    },
    outcome: PlayOutcome,
    loggedAt: Date,
  ): void {
    statement(
      this.#db,
      `INSERT INTO play_log (program, airing_start_ms, speaker, zone, tier, title, status, offset_ms, played_s, error, logged_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      entry.program,
      entry.airingStartMs,
      entry.speaker,
      entry.zone,
      entry.tier,
      entry.title,
      outcome.status,
      outcome.offsetMs === null ? null : Math.round(outcome.offsetMs),
      Math.round(outcome.playedS * 1000) / 1000,
      outcome.error ?? null,
      loggedAt.toISOString(),
    );
  }

  list(filter: PlayLogFilter): PlayLogEntry[] {
    const [fromMs, toMs] = this.#bounds(filter.from, filter.to);
    const where = ['airing_start_ms >= ?', 'airing_start_ms < ?'];
    const values: Array<string | number> = [fromMs, toMs];
    for (const column of ['zone', 'speaker', 'program', 'status', 'tier'] as const) {
      const value = filter[column];
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      values.push(value);
    }
    const rows = statement(
      this.#db,
      `SELECT * FROM play_log WHERE ${where.join(' AND ')} ORDER BY airing_start_ms, zone, speaker`,
    ).all(...values) as Array<Record<string, string | number | null>>;
    return rows.map((row) => ({
      scheduled_at: siteIso(this.#timezone, Number(row.airing_start_ms)),
      program: Number(row.program),
      title: String(row.title),
      tier: row.tier as Tier,
      zone: String(row.zone),
      speaker: String(row.speaker),
      status: row.status as PlayStatus,
      offset_ms: row.offset_ms === null ? null : Number(row.offset_ms),
      played_s: Number(row.played_s),
      error: row.error === null ? null : String(row.error),
    }));
  }

  summary(from: string, to: string): PlayLogSummary[] {
    const [fromMs, toMs] = this.#bounds(from, to);
    const rows = statement(
      this.#db,
      `SELECT zone, tier, program, airing_start_ms, status, played_s FROM play_log
         WHERE airing_start_ms >= ? AND airing_start_ms < ? ORDER BY zone, tier`,
    ).all(fromMs, toMs) as Array<{
      zone: string;
      tier: Tier;
      program: number;
      airing_start_ms: number;
      status: PlayStatus;
      played_s: number;
    }>;
    const groups = new Map<
      string,
      PlayLogSummary & { statuses: Partial<Record<PlayStatus, number>>; best: Map<string, number> }
    >();
    for (const row of rows) {
      const key = `${row.zone} ${row.tier}`;
      const group = groups.get(key) ?? {
        zone: row.zone,
        tier: row.tier,
        airings: 0,
        minutes_aired: 0,
        statuses: {} as Partial<Record<PlayStatus, number>>,
        best: new Map<string, number>(),
      };
      groups.set(key, group);
      group.statuses[row.status] = (group.statuses[row.status] ?? 0) + 1;
      const airing = `${row.program} ${row.airing_start_ms}`;
      group.best.set(airing, Math.max(group.best.get(airing) ?? 0, Number(row.played_s)));
    }
    return [...groups.values()].map(({ best, ...group }) => ({
      ...group,
      airings: best.size,
      minutes_aired: Math.round(([...best.values()].reduce((a, b) => a + b, 0) / 60) * 10) / 10,
    }));
  }

  /** The first moment of `from` and the first after `to`, in the site's time zone. */
  #bounds(from: string, to: string): [number, number] {
    const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return [atLocalTime(this.#timezone, from, 0).getTime(), atLocalTime(this.#timezone, next, 0).getTime()];
  }
}
