import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubError } from '../errors.ts';
import { ROLES, SESSION_COOKIE } from '../users/index.ts';
import { parseRequest, userOf } from './guards.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';
import { words } from './words.ts';

const Login = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(256) });

/** POST/GET/DELETE /api/v1/session — log in with a cookie, see who you are, log out. */
export function sessionRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.post(
    '/session',
    doc({ summary: 'Log in: sets the session cookie', who: 'anyone', body: Login }),
    async (request, reply) => {
      const { name, password } = parseRequest(Login, request.body);
      // Per user name, and per address with more slack: a commune office shares one address.
      const byUser = [`user:${name}`];
      const byAddress = [`ip:${request.ip}`];
      const waitMs = Math.max(deps.throttle.user.waitMs(byUser), deps.throttle.address.waitMs(byAddress));
      if (waitMs > 0) {
        reply.header('retry-after', Math.ceil(waitMs / 1000));
        throw new HubError('TT_LOGIN_THROTTLED', words('api.retryIn', { s: Math.ceil(waitMs / 1000) }));
      }
      const user = await deps.users.verify(name, password);
      if (!user) {
        deps.throttle.user.fail(byUser);
        deps.throttle.address.fail(byAddress);
        request.log.warn({ user: name, ip: request.ip }, 'login failed');
        throw new HubError('TT_LOGIN_FAILED');
      }
      deps.throttle.user.succeed(byUser);
      const session = deps.users.openSession(user);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        expires: session.expiresAt,
      });
      request.log.info({ user: user.name, role: user.role }, 'logged in');
      return { user: user.name, role: user.role, expires_at: session.expiresAt.toISOString() };
    },
  );

  api.get('/session', doc({ summary: 'Who am I', who: ROLES }), async (request) => {
    const user = userOf(request);
    return { user: user.name, role: user.role };
  });

  api.delete('/session', doc({ summary: 'Log out', who: 'anyone', status: 204 }), async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) deps.users.closeSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
}
