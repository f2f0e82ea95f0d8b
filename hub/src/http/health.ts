import type { FastifyInstance } from 'fastify';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';

export type Health = {
  status: 'ok' | 'degraded';
  problems: string[];
  [section: string]: unknown;
};

export type HealthSource = () => Health;

/**
 * GET /api/v1/health — public, so monitors need no credentials; it holds no secret. Always 200
 * while the hub answers: `status` and `problems` say what needs a technician.
 */
export function healthRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get(
    '/health',
    doc({
      summary: 'Status, problems in words, broker, outbox, InfluxDB writer, rejections, radio',
      who: 'anyone',
    }),
    async () => deps.health(),
  );
}
