import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import { HubError } from '../errors.ts';
import { words } from './words.ts';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Why nothing answers a request: the path exists with other methods (405, and the methods it
 * takes, also for the Allow header), or it does not exist at all (404 TT_NOT_FOUND).
 */
export function missingRoute(
  app: FastifyInstance,
  request: FastifyRequest,
): { error: HubError; allow?: string } {
  const path = request.url.split('?')[0] ?? '/';
  const allowed = METHODS.filter(
    (method) => method !== request.method && app.findRoute({ method, url: path }) !== null,
  );
  if (allowed.length === 0) return { error: new HubError('TT_NOT_FOUND', `${request.method} ${path}`) };
  const allow = allowed.join(', ');
  return {
    error: new HubError('TT_METHOD_NOT_ALLOWED', words('api.allowedMethods', { methods: allow })),
    allow,
  };
}
