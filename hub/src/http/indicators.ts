import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isRealDate, localTime, startOfLocalDay } from '../config/index.ts';
import { nextDate } from '../presence/index.ts';
import { SiteDateOrInstant, siteIso } from './dates.ts';
import { parseRequest } from './guards.ts';
import { invalidField } from './invalid-request.ts';
import { deskId, officerId } from './known-ids.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';
import { words } from './words.ts';

/**
 * GET /api/v1/indicators?from&to&desk&officer — satisfaction indicators and rankings of a period.
 * Dates are whole days in the site's time zone, both included; date-times are instants, `to`
 * excluded. Without `from`/`to`: today. The answer says its period in the same site-time terms
 * as /desks/attendance: the dates as given, instants with the site's offset.
 */
export function indicatorRoutes(api: FastifyInstance, deps: HttpDeps): void {
  const Query = z.object({
    from: SiteDateOrInstant.optional(),
    to: SiteDateOrInstant.optional(),
    desk: deskId(deps.config).optional(),
    officer: officerId(deps.config).optional(),
  });

  api.get(
    '/indicators',
    doc({
      summary: 'Satisfaction indicators and rankings of a period',
      who: ['admin', 'leader', 'flows'],
      query: Query,
    }),
    async (request) => {
      const query = parseRequest(Query, request.query);
      const today = localTime(deps.timezone, deps.now()).date;
      const from = query.from ?? today;
      const to = query.to ?? today;
      const fromMs = boundMs(deps.timezone, from, 'from');
      const toMs = boundMs(deps.timezone, to, 'to');
      if (toMs <= fromMs)
        throw invalidField('to', words('api.afterFrom', { from: echo(deps.timezone, from) }));
      return {
        from: echo(deps.timezone, from),
        to: echo(deps.timezone, to),
        // The exact instants counted, [starts_at, ends_before), for scripts that need no calendar.
        starts_at: siteIso(deps.timezone, fromMs),
        ends_before: siteIso(deps.timezone, toMs),
        desk: query.desk ?? null,
        officer: query.officer ?? null,
        ...deps.ratings.indicators({ fromMs, toMs, desk: query.desk, officer: query.officer }),
      };
    },
  );
}

/** A bound as the answer gives it: a date stays a date, an instant reads in site time. */
function echo(timezone: string, bound: string): string {
  return isRealDate(bound) ? bound : siteIso(timezone, Date.parse(bound));
}

function boundMs(timezone: string, bound: string, side: 'from' | 'to'): number {
  if (!isRealDate(bound)) return Date.parse(bound);
  // A `to` date includes that whole day: the bound is the start of the next one.
  return startOfLocalDay(timezone, side === 'from' ? bound : nextDate(bound)).getTime();
}
