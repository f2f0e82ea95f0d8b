import { localTime } from './calendar.ts';
import type { SiteConfig, Weekday } from './schema.ts';

/**
 * The official on duty at a desk on a weekday: the roster entry for that day, else the desk's
 * default officer; null for a desk the config does not know. Ratings are attributed to this
 * official (docs/architecture.md, the path of an event).
 *
 * @example
 * officerOnDuty(config, 'quay-5', 'tue'); // 'do-thi-thu': the roster gives her Tuesdays
 */
export function officerOnDuty(
  config: Pick<SiteConfig, 'desks'>,
  deskId: string,
  weekday: Weekday,
): string | null {
  const desk = config.desks.find((d) => d.id === deskId);
  if (!desk) return null;
  return desk.roster.find((r) => r.days.includes(weekday))?.officer ?? desk.officer;
}

/** `officerOnDuty` at a moment, taking the weekday in the site's time zone. */
export function officerAt(
  config: Pick<SiteConfig, 'desks' | 'site'>,
  deskId: string,
  at: Date,
): string | null {
  return officerOnDuty(config, deskId, localTime(config.site.timezone, at).weekday);
}
