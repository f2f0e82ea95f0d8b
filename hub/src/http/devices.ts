import type { FastifyInstance } from 'fastify';
import { requireRole } from './guards.ts';
import type { HttpDeps } from './types.ts';

/** GET /api/v1/devices — the registry with each device's availability, for technicians. */
export function devicesRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get('/devices', async (request) => {
    requireRole(deps, request, ['admin', 'technician', 'leader']);
    return {
      devices: deps.devices.list().map((d) => ({
        id: d.id,
        kind: d.kind,
        desk: d.desk,
        zone: d.zone,
        revoked: d.revokedAt !== null,
        online: d.online,
        boot: d.boot,
        fw: d.fw,
        last_seen_at: d.lastSeenAt,
        state_changed_at: d.stateChangedAt,
      })),
    };
  });
}
