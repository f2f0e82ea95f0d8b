import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { appPages, boardPages } from '../web/index.ts';
import { alertRoutes } from './alerts.ts';
import { desksRoutes } from './desks.ts';
import { devicesRoutes } from './devices.ts';
import { asHubError, sendError } from './error-answer.ts';
import { flowAllowanceRoutes } from './flow-allowances.ts';
import { admit } from './guards.ts';
import { type HealthSource, healthRoutes } from './health.ts';
import { indicatorRoutes } from './indicators.ts';
import { missingRoute } from './not-found.ts';
import { ApiCatalogue, doc } from './openapi.ts';
import { radioRoutes } from './radio.ts';
import { sessionRoutes } from './session.ts';
import { siteRoutes } from './site.ts';
import type { HttpDeps } from './types.ts';
import { userRoutes } from './users.ts';

export type { HealthSource, HttpDeps };

/** Logins and alert comments are a few kilobytes at most; more is a mistake or an attack on a Pi. */
const BODY_LIMIT = 64 * 1024;

/**
 * The hub's HTTP API under /api/v1 (docs/api.md). Tests drive it with `inject()`. Every error,
 * also an unknown route or a body the framework refuses, answers the same coded, bilingual shape.
 */
export function buildHttp(deps: HttpDeps, log: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: log.child({ domain: 'http' }) as FastifyBaseLogger,
    // A line per request would drown the Pi's log; routes log what matters themselves.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: BODY_LIMIT,
    // Malformed URLs are refused before routing; without this fastify answers them in its own shape.
    frameworkErrors: (err, request, reply) => sendError(request, reply, asHubError(err, BODY_LIMIT)),
  });
  app.register(cookie);
  // JSON only: the answer to any other body says so, instead of a zod error about a string.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((err, request, reply) => sendError(request, reply, asHubError(err, BODY_LIMIT)));
  app.setNotFoundHandler((request, reply) => {
    const { error, allow } = missingRoute(app, request);
    if (allow) reply.header('allow', allow);
    return sendError(request, reply, error);
  });

  // Every /api/v1 route is described from the schemas it validates with (GET /api/v1/openapi.json).
  const catalogue = new ApiCatalogue();
  catalogue.watch(app, (request, roles) => admit(deps, request, roles));
  app.register(
    async (api) => {
      api.get(
        '/openapi.json',
        doc({ summary: 'This description of the API (OpenAPI 3.1)', who: 'anyone' }),
        async () => catalogue.document(),
      );
      healthRoutes(api, deps);
      sessionRoutes(api, deps);
      devicesRoutes(api, deps);
      indicatorRoutes(api, deps);
      alertRoutes(api, deps);
      desksRoutes(api, deps);
      radioRoutes(api, deps);
      flowAllowanceRoutes(api, deps);
      userRoutes(api, deps);
      siteRoutes(api, deps);
    },
    { prefix: '/api/v1' },
  );
  boardPages(app);
  appPages(app);
  return app;
}
