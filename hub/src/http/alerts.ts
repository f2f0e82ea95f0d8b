import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_STATES } from '../alerts/index.ts';
import { parseRequest, requireRole } from './guards.ts';
import type { HttpDeps } from './types.ts';

const LEADERS = ['admin', 'leader'] as const;
const Id = z.object({ id: z.coerce.number().int().positive() });
const List = z.object({ state: z.enum(ALERT_STATES).optional() });
const Comment = z.object({ text: z.string().trim().min(1).max(2000) });
const Resolve = z.object({ text: z.string().trim().min(1).max(2000).optional() }).optional();

/**
 * /api/v1/alerts — leaders list alerts, acknowledge, comment and resolve them; every step is kept
 * with who took it and when.
 */
export function alertRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get('/alerts', async (request) => {
    requireRole(deps, request, LEADERS);
    const { state } = parseRequest(List, request.query);
    return { alerts: deps.alerts.list(state) };
  });

  api.get('/alerts/:id', async (request) => {
    requireRole(deps, request, LEADERS);
    return deps.alerts.get(parseRequest(Id, request.params).id);
  });

  api.post('/alerts/:id/ack', async (request) => {
    const user = requireRole(deps, request, LEADERS);
    return deps.alerts.acknowledge(parseRequest(Id, request.params).id, user.name);
  });

  api.post('/alerts/:id/comment', async (request) => {
    const user = requireRole(deps, request, LEADERS);
    const { text } = parseRequest(Comment, request.body);
    return deps.alerts.comment(parseRequest(Id, request.params).id, user.name, text);
  });

  api.post('/alerts/:id/resolve', async (request) => {
    const user = requireRole(deps, request, LEADERS);
    const body = parseRequest(Resolve, request.body);
    return deps.alerts.resolve(parseRequest(Id, request.params).id, user.name, body?.text ?? null);
  });
}
