import { randomUUID } from 'node:crypto';
import { HubError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { RatingRecord } from '../ratings/index.ts';
import { type Store, statement } from '../store/index.ts';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
// `flow`: raised by a flow (docs/flows.md), with its own words.
export const ALERT_KINDS = ['unsatisfied-rating', 'unsatisfied-share', 'empty-desk', 'flow'] as const;
/** The steps of an alert's history: raised and cleared by the hub, the others by a user. */
export type AlertAction = 'raised' | 'cleared' | 'acknowledged' | 'commented' | 'resolved';
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Which alerts to list, newest first: those with an id below `before`, at most `limit`. */
export type AlertFilter = {
  state?: AlertState;
  desk?: string;
  kind?: AlertKind;
  before?: number;
  limit: number;
};

/** A page of alerts; `next_before` is the cursor of the next page, null when there is none. */
export type AlertPage = { alerts: Alert[]; more: boolean; next_before: number | null };

/** A desk that stood empty too long in office hours, as the presence domain saw it. */
export type EmptyDeskSpell = { sinceMs: number; raisedAtMs: number; clearedAtMs: number | null };

export type Alert = {
  id: number;
  kind: AlertKind;
  desk: string | null;
  officer: string | null;
  raised_at: string;
  state: AlertState;
  details: Record<string, unknown>;
  history: Array<{ at: string; user: string | null; action: string; comment: string | null }>;
};

export type AlertPolicy = {
  /** Share of unsatisfied ratings in the window above which a desk's alert is raised. */
  unsatisfiedShare: number;
  windowMs: number;
  /** Fewer ratings than this in the window say too little to raise a share alert. */
  minRatings: number;
};

/**
 * Whether a desk has a share alert not yet resolved: asked with every counted rating, so it must
 * stay an index search however many alerts the years add (`alerts_open_share_by_desk`).
 */
export const OPEN_SHARE_ALERT =
  "SELECT 1 FROM alerts WHERE kind = 'unsatisfied-share' AND desk = ? AND state != 'resolved'";

/**
 * The alerts not yet resolved, counted per desk and kind: read with every refresh of the desk
 * board, so through the unresolved ones only (`alerts_unresolved`), not every alert ever raised.
 */
export const UNRESOLVED_BY_DESK =
  "SELECT desk, kind, COUNT(*) AS n FROM alerts WHERE state != 'resolved' AND desk IS NOT NULL GROUP BY desk, kind";

/** A rating that counts (not flagged), as the ratings domain recorded it. */
export type CountedRating = RatingRecord & { unsatisfied: boolean };

/**
 * Alerts for leaders (docs/architecture.md): every unsatisfied rating, and a desk whose share of unsatisfied
 * ratings over a window passes the threshold. Leaders acknowledge, comment and resolve; each step
 * is kept with who did it and when.
 */
export class Alerts {
  readonly #db: Store;
  readonly #policy: AlertPolicy;
  readonly #now: () => Date;
  readonly #changed: (id: number, action: AlertAction) => void;

  /** `changed` hears of every step of every alert, inside the unit of work that took it. */
  constructor(
    db: Store,
    policy: AlertPolicy,
    now: () => Date = () => new Date(),
    changed: (id: number, action: AlertAction) => void = () => {},
  ) {
    this.#db = db;
    this.#policy = policy;
    this.#now = now;
    this.#changed = changed;
  }

  /**
   * Raise what a counted rating calls for; call inside the transaction that records it, so an
   * alert is never lost between the rating and a crash. `window` counts the desk's counted ratings.
   */
  onCountedRating(rating: CountedRating, window: { rated: number; unsatisfied: number }): void {
    if (rating.unsatisfied) {
      // The time first: keys in the order ratings come share the index's last pages in a batch,
      // where a box's own (device first) took a page of the log for every box in every batch.
      this.#raise(
        `rating:${rating.timeMs}:${rating.device}:${rating.boot}:${rating.seq}`,
        'unsatisfied-rating',
        rating.desk,
        rating.officer,
        {
          device: rating.device,
          score: rating.score,
          scale: rating.scale,
          rated_at: new Date(rating.timeMs).toISOString(),
        },
      );
    }
    const { unsatisfiedShare, minRatings, windowMs } = this.#policy;
    const share = window.rated ? window.unsatisfied / window.rated : 0;
    if (window.rated < minRatings || share <= unsatisfiedShare) return;
    // One share alert per desk until a leader resolves it.
    const open = statement(this.#db, OPEN_SHARE_ALERT).get(rating.desk);
    if (open) return;
    this.#raise(`share:${rating.desk}:${rating.timeMs}`, 'unsatisfied-share', rating.desk, null, {
      share,
      rated: window.rated,
      unsatisfied: window.unsatisfied,
      window_min: windowMs / 60_000,
      threshold: unsatisfiedShare,
    });
  }

  /**
   * Keep the alert of an empty-desk spell in step with presence: raised at the instant the desk had
   * been empty for the set time, resolved ("cleared", by no user) when it was staffed again. Safe to
   * call again with the same spell. Whether anything changed.
   */
  emptyDesk(desk: string, officer: string | null, spell: EmptyDeskSpell): boolean {
    const key = `empty:${desk}:${spell.sinceMs}`;
    const raised = this.#raise(
      key,
      'empty-desk',
      desk,
      officer,
      { since: new Date(spell.sinceMs).toISOString() },
      new Date(spell.raisedAtMs),
    );
    if (spell.clearedAtMs === null) return raised;
    const cleared = statement(
      this.#db,
      "UPDATE alerts SET state = 'resolved' WHERE key = ? AND state != 'resolved' RETURNING id",
    ).get(key) as { id: number } | undefined;
    if (!cleared) return raised;
    statement(
      this.#db,
      "INSERT INTO alert_history (alert_id, at, user_name, action, comment) VALUES (?, ?, NULL, 'cleared', NULL)",
    ).run(cleared.id, new Date(spell.clearedAtMs).toISOString());
    this.#changed(cleared.id, 'cleared');
    return true;
  }

  /**
   * An alert a flow raises (docs/flows.md): its words, for a desk or for the whole commune
   * (`desk` null), handled by leaders like any other. Once per `key` when a key is given, so a flow
   * that says the same thing again adds nothing; whether it is new.
   */
  raiseFromFlow(input: {
    message: string;
    desk: string | null;
    officer: string | null;
    key?: string;
    by: string;
  }): { alert: Alert; raised: boolean } {
    const key = `flow:${input.key ?? randomUUID()}`;
    const raised = this.#raise(key, 'flow', input.desk, input.officer, {
      message: input.message,
      by: input.by,
    });
    const { id } = statement(this.#db, 'SELECT id FROM alerts WHERE key = ?').get(key) as { id: number };
    return { alert: this.get(id), raised };
  }

  /** Alerts not yet resolved, counted per desk and kind: what the desk board shows. */
  openByDesk(): Map<string, Partial<Record<AlertKind, number>>> {
    const rows = statement(this.#db, UNRESOLVED_BY_DESK).all() as Array<{
      desk: string;
      kind: AlertKind;
      n: number;
    }>;
    const byDesk = new Map<string, Partial<Record<AlertKind, number>>>();
    for (const row of rows) byDesk.set(row.desk, { ...byDesk.get(row.desk), [row.kind]: Number(row.n) });
    return byDesk;
  }

  get windowMs(): number {
    return this.#policy.windowMs;
  }

  /** One page of the alerts that match, newest first; ask again with `before: next_before`. */
  list(filter: AlertFilter): AlertPage {
    const { state = null, desk = null, kind = null, before = null, limit } = filter;
    // One row more than asked says whether another page exists without counting them all.
    const rows = statement(
      this.#db,
      `SELECT * FROM alerts
         WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR desk = ?2) AND (?3 IS NULL OR kind = ?3)
           AND (?4 IS NULL OR id < ?4)
         ORDER BY id DESC LIMIT ?5`,
    ).all(state, desk, kind, before, limit + 1) as Array<Record<string, string | number | null>>;
    const alerts = rows.slice(0, limit).map((row) => this.#withHistory(row));
    const more = rows.length > limit;
    return { alerts, more, next_before: more ? alerts[alerts.length - 1]!.id : null };
  }

  get(id: number): Alert {
    const row = statement(this.#db, 'SELECT * FROM alerts WHERE id = ?').get(id) as
      | Record<string, string | number | null>
      | undefined;
    if (!row) throw new HubError('TT_ALERT_UNKNOWN', `#${id}`);
    return this.#withHistory(row);
  }

  /**
   * Acknowledge an open alert. Again on an acknowledged one (a double click, a retried request)
   * changes nothing and adds no history: the alert is answered as it is.
   */
  acknowledge(id: number, user: string): Alert {
    const alert = this.#unresolved(id);
    if (alert.state === 'acknowledged') return alert;
    return this.#act(id, user, 'acknowledged', null, 'acknowledged');
  }

  /** Comment on an alert; the same user's same words right after their own comment are a retry, kept once. */
  comment(id: number, user: string, text: string): Alert {
    const alert = this.#unresolved(id);
    const last = alert.history.at(-1);
    if (last?.action === 'commented' && last.user === user && last.comment === text) return alert;
    return this.#act(id, user, 'commented', text, undefined);
  }

  /**
   * Resolve an alert. Again on a resolved one answers it unchanged — unless it brings a note that
   * the resolution does not have, which would be lost: that is refused (TT_ALERT_RESOLVED).
   */
  resolve(id: number, user: string, text: string | null): Alert {
    const alert = this.get(id);
    if (alert.state !== 'resolved') return this.#act(id, user, 'resolved', text, 'resolved');
    const resolution = alert.history.findLast((h) => h.action === 'resolved' || h.action === 'cleared');
    if (text === null || text === resolution?.comment) return alert;
    const why = (lang: 'vi' | 'en') => t('api.alertResolvedText', { id }, lang);
    throw new HubError('TT_ALERT_RESOLVED', { vi: why('vi'), en: why('en') });
  }

  /** The alert, if it still takes action: a resolved one is closed (TT_ALERT_RESOLVED). */
  #unresolved(id: number): Alert {
    const alert = this.get(id);
    if (alert.state === 'resolved') throw new HubError('TT_ALERT_RESOLVED', `#${id}`);
    return alert;
  }

  #act(
    id: number,
    user: string,
    action: AlertAction,
    comment: string | null,
    next: AlertState | undefined,
  ): Alert {
    if (next) statement(this.#db, 'UPDATE alerts SET state = ? WHERE id = ?').run(next, id);
    statement(
      this.#db,
      'INSERT INTO alert_history (alert_id, at, user_name, action, comment) VALUES (?, ?, ?, ?, ?)',
    ).run(id, this.#now().toISOString(), user, action, comment);
    this.#changed(id, action);
    return this.get(id);
  }

  /** Raise an alert once per key; whether it is new. */
  #raise(
    key: string,
    kind: AlertKind,
    desk: string | null,
    officer: string | null,
    details: object,
    raisedAt: Date = this.#now(),
  ): boolean {
    const at = raisedAt.toISOString();
    const inserted = statement(
      this.#db,
      "INSERT OR IGNORE INTO alerts (key, kind, desk, officer, raised_at, state, details) VALUES (?, ?, ?, ?, ?, 'open', ?)",
    ).run(key, kind, desk, officer, at, JSON.stringify(details));
    if (inserted.changes === 0) return false;
    statement(
      this.#db,
      "INSERT INTO alert_history (alert_id, at, user_name, action, comment) VALUES (?, ?, NULL, 'raised', NULL)",
    ).run(inserted.lastInsertRowid, at);
    this.#changed(Number(inserted.lastInsertRowid), 'raised');
    return true;
  }

  #withHistory(row: Record<string, string | number | null>): Alert {
    const history = statement(
      this.#db,
      'SELECT at, user_name AS user, action, comment FROM alert_history WHERE alert_id = ? ORDER BY rowid',
    ).all(Number(row.id)) as Alert['history'];
    return {
      id: Number(row.id),
      kind: row.kind as AlertKind,
      desk: (row.desk as string | null) ?? null,
      officer: (row.officer as string | null) ?? null,
      raised_at: String(row.raised_at),
      state: row.state as AlertState,
      details: JSON.parse(String(row.details)),
      history: history.map((h) => ({ ...h })),
    };
  }
}
