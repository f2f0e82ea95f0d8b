import type { FastifyInstance } from 'fastify';
import { ROLES } from '../users/index.ts';
import { siteIso } from './dates.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';

/** GET /api/v1/site — the commune as every page names it: its desks, zones, officials, time zone and clock. */
export function siteRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get(
    '/site',
    doc({ summary: 'The commune: desks, zones, officials, time zone, clock', who: ROLES }),
    async () => {
      const { site, desks, zones, officials, rating } = deps.config;
      return {
        code: site.code,
        name: site.name,
        timezone: site.timezone,
        // The hub's clock: pages count days and minutes from it, not from the screen's.
        now: siteIso(site.timezone, deps.now().getTime()),
        scale: rating.scale,
        desks: desks.map((d) => ({ id: d.id, name: d.name })),
        zones: zones.map((z) => ({ id: z.id, name: z.name })),
        officials: officials.map((o) => ({ id: o.id, name: o.name })),
      };
    },
  );
}
