import type { Alerts } from '../alerts/index.ts';
import { localTime, officerAt, type SiteConfig, startOfLocalDay } from '../config/index.ts';
import type { DeskState, Presence } from '../presence/index.ts';
import type { Ratings } from '../ratings/index.ts';

/** One desk as leaders see it on the board and scripts read it at GET /api/v1/desks. */
export type BoardDesk = {
  id: string;
  name: string;
  field: string;
  /** The official on duty now (roster included); null for an officer the config does not know. */
  officer: { id: string; name: string; title: string | null } | null;
  state: DeskState;
  /** Since when the desk is in this state, ISO; null before its sensor ever reported. */
  since: string | null;
  minutes_since: number | null;
  sensors: Array<{ device: string; online: boolean }>;
  /** Today's counted ratings (flagged presses set aside). */
  ratings_today: { rated: number; satisfied: number; share_satisfied: number | null };
  /** Alerts not yet resolved, by kind. */
  alerts: { open: number; by_kind: Record<string, number> };
};

export type DeskBoard = {
  site: { code: string; name: string; timezone: string };
  /** The hub's clock, so a screen with a wrong clock still shows the right "minutes since". */
  server_time: string;
  /** Today in the site's time zone (YYYY-MM-DD). */
  date: string;
  desks: BoardDesk[];
};

export type DeskBoardDeps = {
  config: SiteConfig;
  presence: Pick<Presence, 'current'>;
  ratings: Pick<Ratings, 'indicators'>;
  alerts: Pick<Alerts, 'openByDesk'>;
  now: () => Date;
};

/** Every desk now: presence, the official on duty, today's ratings and open alerts (issue 4). */
export function deskBoard(deps: DeskBoardDeps): DeskBoard {
  const { config } = deps;
  const now = deps.now();
  const date = localTime(config.site.timezone, now).date;
  const ratedToday = deps.ratings.indicators({
    fromMs: startOfLocalDay(config.site.timezone, date).getTime(),
    toMs: now.getTime() + 1,
  }).ranking.desks;
  const openAlerts = deps.alerts.openByDesk();
  const presence = new Map(deps.presence.current().map((p) => [p.desk, p]));
  const officials = new Map(config.officials.map((o) => [o.id, o]));
  return {
    site: { code: config.site.code, name: config.site.name, timezone: config.site.timezone },
    server_time: now.toISOString(),
    date,
    desks: config.desks.map((desk) => {
      const seen = presence.get(desk.id);
      const officer = officials.get(officerAt(config, desk.id, now) ?? '');
      const rated = ratedToday.find((r) => r.id === desk.id);
      const byKind = openAlerts.get(desk.id) ?? {};
      const since = seen?.since ?? null;
      return {
        id: desk.id,
        name: desk.name,
        field: desk.field,
        officer: officer ? { id: officer.id, name: officer.name, title: officer.title ?? null } : null,
        state: seen?.state ?? 'unknown',
        since,
        minutes_since: since === null ? null : Math.floor((now.getTime() - Date.parse(since)) / 60_000),
        sensors: seen?.sensors ?? [],
        ratings_today: {
          rated: rated?.rated ?? 0,
          satisfied: rated?.satisfied ?? 0,
          share_satisfied: rated?.share_satisfied ?? null,
        },
        alerts: {
          open: Object.values(byKind).reduce((sum, n) => sum + (n ?? 0), 0),
          by_kind: byKind as Record<string, number>,
        },
      };
    }),
  };
}
