import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { localTime } from '../config/index.ts';
import { nextDate } from '../presence/index.ts';
import { SiteDate } from './dates.ts';
import { parseRequest } from './guards.ts';
import { invalidField } from './invalid-request.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';
import { words } from './words.ts';

export const BOARD_ROLES = ['admin', 'leader'] as const;
/** A month of days per request keeps a report fast on a Pi. */
const MAX_DAYS = 31;

const AttendanceQuery = z.object({ from: SiteDate.optional(), to: SiteDate.optional() });

/**
 * GET /api/v1/desks — every desk now, as the live board shows it, for scripts and flows.
 * GET /api/v1/desks/attendance?from&to — attendance per desk per day (site-time dates, both
 * included; today without them): the weekly report's numbers.
 */
export function desksRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get(
    '/desks',
    doc({ summary: 'Every desk now, as the live board shows it', who: BOARD_ROLES }),
    async () => {
      return deps.deskBoard();
    },
  );

  api.get(
    '/desks/attendance',
    doc({ summary: 'Attendance per desk per day', who: [...BOARD_ROLES, 'flows'], query: AttendanceQuery }),
    async (request) => {
      const query = parseRequest(AttendanceQuery, request.query);
      const today = localTime(deps.timezone, deps.now()).date;
      const from = query.from ?? query.to ?? today;
      const to = query.to ?? from;
      if (to < from) throw invalidField('to', words('api.notBeforeFrom', { from }));
      const days: string[] = [];
      for (let date = from; date <= to; date = nextDate(date)) {
        if (days.length === MAX_DAYS) throw invalidField('to', words('api.maxDays', { max: MAX_DAYS }));
        days.push(date);
      }
      return { from, to, days: days.map((date) => ({ date, desks: deps.presence.attendance(date) })) };
    },
  );
}
