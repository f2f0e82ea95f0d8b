import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { HubError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { type Role, SESSION_COOKIE, type User } from '../users/index.ts';
import { invalidRequest } from './issues.ts';
import type { HttpDeps } from './types.ts';
import { wordsBy } from './words.ts';

/** Parse a request part with its zod schema, or answer 400 naming the field in our own words. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidRequest(parsed.error, input);
  return parsed.data;
}

/** The signed-in user, if their role is among `roles`; otherwise 401 or 403. */
export function requireRole(deps: HttpDeps, request: FastifyRequest, roles: readonly Role[]): User {
  const token = request.cookies[SESSION_COOKIE];
  const user = token ? deps.users.sessionUser(token) : undefined;
  if (!user) throw new HubError('TT_UNAUTHENTICATED');
  if (!roles.includes(user.role)) {
    throw new HubError(
      'TT_FORBIDDEN',
      wordsBy('api.needsRole', (lang) => ({ roles: roles.join(` ${t('api.or', {}, lang)} `) })),
    );
  }
  return user;
}

const admitted = new WeakMap<FastifyRequest, User>();

/** Let a request in if its user's role is among the route's `who` (before the handler runs). */
export function admit(deps: HttpDeps, request: FastifyRequest, roles: readonly Role[]): void {
  admitted.set(request, requireRole(deps, request, roles));
}

/** The signed-in user a route's `who` let in. */
export function userOf(request: FastifyRequest): User {
  const user = admitted.get(request);
  if (!user) throw new Error(`${request.method} ${request.url} has no roles in its doc()`);
  return user;
}
