import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubError } from '../errors.ts';
import { parseRequest, userOf } from './guards.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';

const ADMINS = ['admin'] as const;

const Name = z.object({ name: z.string().max(64) });
const NewUser = z.object({
  name: z.string().max(64),
  role: z.string().max(32),
  password: z.string().max(256).optional(),
});
const NewPassword = z.object({ password: z.string().max(256).optional() }).default({});

/**
 * /api/v1/users — the admin's people and roles: list them with their open sessions, add one, set
 * a new password (a generated one is in that answer only; their sessions end), end their sessions,
 * remove one. An admin cannot remove themself: a hub must keep someone who can let people in.
 */
export function userRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get('/users', doc({ summary: 'Users, roles, open sessions', who: ADMINS }), async () => {
    return {
      users: deps.users.list().map((u) => ({
        name: u.name,
        role: u.role,
        created_at: u.createdAt,
        open_sessions: u.openSessions,
      })),
    };
  });

  api.post(
    '/users',
    doc({ summary: 'Add a user (a generated password once)', who: ADMINS, body: NewUser, status: 201 }),
    async (request, reply) => {
      const admin = userOf(request);
      const input = parseRequest(NewUser, request.body);
      const { user, password } = await deps.users.add(input);
      request.log.info({ user: user.name, role: user.role, by: admin.name }, 'user added');
      reply.status(201).header('cache-control', 'no-store');
      return { user, password: input.password === undefined ? password : undefined };
    },
  );

  api.post(
    '/users/:name/password',
    doc({ summary: 'Set a new password; sessions end', who: ADMINS, params: Name, body: NewPassword }),
    async (request, reply) => {
      const admin = userOf(request);
      const { name } = parseRequest(Name, request.params);
      const given = parseRequest(NewPassword, request.body ?? undefined).password;
      const { user, password } = await deps.users.setPassword(name, given);
      request.log.info({ user: user.name, by: admin.name }, 'password set; sessions ended');
      reply.header('cache-control', 'no-store');
      return { user, password: given === undefined ? password : undefined };
    },
  );

  api.delete(
    '/users/:name/sessions',
    doc({ summary: 'End every session of a user', who: ADMINS, params: Name }),
    async (request, reply) => {
      const admin = userOf(request);
      const { name } = parseRequest(Name, request.params);
      const ended = deps.users.endSessions(name);
      request.log.info({ user: name, ended, by: admin.name }, 'sessions ended');
      return reply.status(200).send({ ended });
    },
  );

  api.delete(
    '/users/:name',
    doc({ summary: 'Remove a user (not oneself)', who: ADMINS, params: Name, status: 204 }),
    async (request, reply) => {
      const admin = userOf(request);
      const { name } = parseRequest(Name, request.params);
      if (name === admin.name) throw new HubError('TT_USER_SELF');
      const user = deps.users.remove(name);
      request.log.info({ user: user.name, by: admin.name }, 'user removed');
      return reply.status(204).send();
    },
  );
}
