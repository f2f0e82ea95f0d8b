import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseRequest, userOf } from './guards.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';

const ADMINS = ['admin'] as const;
const Flow = z.object({ user: z.string().max(64), flow: z.string().trim().min(1).max(64) });
const Allowance = z.strictObject({
  name: z.string().trim().max(200).optional(),
  skip_approval: z.boolean(),
  emergency: z.boolean(),
});

/**
 * /api/v1/flow-allowances — what the admin allows a flow (a flows user's Node-RED tab, by id) to announce: its
 * announcements air without a leader's approval; it may send emergencies (docs/flows.md).
 */
export function flowAllowanceRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get('/flow-allowances', doc({ summary: "Each flow's allowances", who: ADMINS }), async () => {
    return { allowances: deps.flowAllowances.list() };
  });

  api.put(
    '/flow-allowances/:user/:flow',
    doc({
      summary: 'Allow a flow to announce without approval, or emergencies',
      who: ADMINS,
      params: Flow,
      body: Allowance,
    }),
    async (request) => {
      const admin = userOf(request);
      const { user, flow } = parseRequest(Flow, request.params);
      const allowed = deps.flowAllowances.set(user, flow, parseRequest(Allowance, request.body), admin.name);
      request.log.warn({ ...allowed, by: admin.name }, 'flow allowance set');
      return allowed;
    },
  );

  api.delete(
    '/flow-allowances/:user/:flow',
    doc({ summary: 'Withdraw what a flow was allowed', who: ADMINS, params: Flow, status: 204 }),
    async (request, reply) => {
      const admin = userOf(request);
      const { user, flow } = parseRequest(Flow, request.params);
      const had = deps.flowAllowances.remove(user, flow);
      request.log.warn({ user, flow, had, by: admin.name }, 'flow allowance withdrawn');
      return reply.status(204).send();
    },
  );
}
