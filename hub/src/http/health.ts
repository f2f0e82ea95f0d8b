import type { FastifyInstance } from 'fastify';
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
  api.get('/health', async () => deps.health());
}
