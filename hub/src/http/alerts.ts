import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_KINDS, ALERT_STATES } from '../alerts/index.ts';
import { officerAt } from '../config/index.ts';
import { parseRequest, userOf } from './guards.ts';
import { deskId } from './known-ids.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';

const LEADERS = ['admin', 'leader'] as const;
/** A page of alerts, each with its history: small enough for a Pi, enough for a screen. */
const ALERTS_PAGE = { default: 50, max: 200 } as const;

/** Ids and counts come as text in a URL; "12abc", "-1" and "1e3" are refused, not coerced. */
const wholeNumber = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, { error: 'api.wholeNumber' })
  .transform(Number);
const Id = z.object({ id: wholeNumber });
const Comment = z.object({ text: z.string().trim().min(1).max(2000) });
const Resolve = z.object({ text: z.string().trim().min(1).max(2000).optional() }).optional();
/** Who may raise an alert of their own: the nodes of flows (role `flows`), and an admin trying them. */
const RAISERS = ['flows', 'admin'] as const;

/**
 * /api/v1/alerts — leaders list alerts (filtered, a page at a time), acknowledge, comment and
 * resolve them; every step is kept with who took it and when. Repeating a step is harmless.
 */
export function alertRoutes(api: FastifyInstance, deps: HttpDeps): void {
  const List = z.object({
    state: z.enum(ALERT_STATES).optional(),
    kind: z.enum(ALERT_KINDS).optional(),
    desk: deskId(deps.config).optional(),
    before: wholeNumber.optional(),
    limit: wholeNumber.pipe(z.number().max(ALERTS_PAGE.max)).default(ALERTS_PAGE.default),
  });

  api.get(
    '/alerts',
    doc({ summary: 'A page of alerts with their history', who: LEADERS, query: List }),
    async (request) => {
      const filter = parseRequest(List, request.query);
      return { ...deps.alerts.list(filter), limit: filter.limit };
    },
  );

  const Raise = z.object({
    message: z.string().trim().min(1).max(500),
    desk: deskId(deps.config).optional(),
    key: z.string().trim().min(1).max(100).optional(),
  });
  api.post(
    '/alerts',
    doc({
      summary: 'Raise an alert of a flow: its words, for a desk or the commune; once per key',
      who: RAISERS,
      body: Raise,
      status: 201,
    }),
    async (request, reply) => {
      const { message, desk, key } = parseRequest(Raise, request.body);
      const officer = desk ? officerAt(deps.config, desk, deps.now()) : null;
      const result = deps.alerts.raiseFromFlow({
        message,
        desk: desk ?? null,
        officer,
        key,
        by: userOf(request).name,
      });
      return reply.code(result.raised ? 201 : 200).send(result);
    },
  );

  api.get(
    '/alerts/:id',
    doc({ summary: 'One alert with its history', who: LEADERS, params: Id }),
    async (request) => {
      return deps.alerts.get(parseRequest(Id, request.params).id);
    },
  );

  api.post(
    '/alerts/:id/ack',
    doc({ summary: 'Acknowledge an open alert', who: LEADERS, params: Id }),
    async (request) => {
      const user = userOf(request);
      return deps.alerts.acknowledge(parseRequest(Id, request.params).id, user.name);
    },
  );

  api.post(
    '/alerts/:id/comment',
    doc({ summary: 'Comment on an alert', who: LEADERS, params: Id, body: Comment }),
    async (request) => {
      const user = userOf(request);
      const { text } = parseRequest(Comment, request.body);
      return deps.alerts.comment(parseRequest(Id, request.params).id, user.name, text);
    },
  );

  api.post(
    '/alerts/:id/resolve',
    doc({ summary: 'Resolve, with an optional note', who: LEADERS, params: Id, body: Resolve }),
    async (request) => {
      const user = userOf(request);
      const body = parseRequest(Resolve, request.body);
      return deps.alerts.resolve(parseRequest(Id, request.params).id, user.name, body?.text ?? null);
    },
  );
}
