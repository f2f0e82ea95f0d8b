import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { localTime, startOfLocalDay } from '../config/index.ts';
import { HubError } from '../errors.ts';
import { parseRequest, requireRole } from './guards.ts';
import type { HttpDeps } from './types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const Bound = z.union([z.string().regex(DAY), z.iso.datetime({ offset: true })], {
  error: 'must be a date YYYY-MM-DD (site time) or an ISO date-time with offset',
});
const Query = z.object({
  from: Bound.optional(),
  to: Bound.optional(),
  desk: z.string().min(1).max(40).optional(),
  officer: z.string().min(1).max(40).optional(),
});

/**
 * GET /api/v1/indicators?from&to&desk&officer — satisfaction indicators and rankings of a period.
 * Dates are whole days in the site's time zone, both included; date-times are instants, `to`
 * excluded. Without `from`/`to`: today.
 */
export function indicatorRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get('/indicators', async (request) => {
    requireRole(deps, request, ['admin', 'leader']);
    const query = parseRequest(Query, request.query);
    const today = localTime(deps.timezone, deps.now()).date;
    const fromMs = boundMs(deps.timezone, query.from ?? today, 'from');
    const toMs = boundMs(deps.timezone, query.to ?? today, 'to');
    if (toMs <= fromMs) throw new HubError('TT_REQUEST_INVALID', 'to: must be after from');
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      desk: query.desk ?? null,
      officer: query.officer ?? null,
      ...deps.ratings.indicators({ fromMs, toMs, desk: query.desk, officer: query.officer }),
    };
  });
}

function boundMs(timezone: string, bound: string, side: 'from' | 'to'): number {
  if (!DAY.test(bound)) return Date.parse(bound);
  const start = startOfLocalDay(timezone, bound).getTime();
  // A `to` date includes that whole day: the bound is the start of the next one.
  return side === 'from' ? start : startOfLocalDay(timezone, nextDay(bound)).getTime();
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
