import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { isHubError } from '../errors.ts';
import { boardPages } from '../web/index.ts';
import { alertRoutes } from './alerts.ts';
import { desksRoutes } from './desks.ts';
import { devicesRoutes } from './devices.ts';
import { type HealthSource, healthRoutes } from './health.ts';
import { indicatorRoutes } from './indicators.ts';
import { sessionRoutes } from './session.ts';
import type { HttpDeps } from './types.ts';

export type { HealthSource, HttpDeps };

/** The hub's HTTP API under /api/v1 (docs/architecture.md). Tests drive it with `inject()`. */
export function buildHttp(deps: HttpDeps, log: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: log.child({ domain: 'http' }) as FastifyBaseLogger,
    // A line per request would drown the Pi's log; routes log what matters themselves.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  app.register(cookie);

  app.setErrorHandler((err, request, reply) => {
    if (isHubError(err)) {
      // Client mistakes at info, our own failures at error (fastify's convention).
      request.log.info({ code: err.code, url: request.url }, err.message);
      return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) {
      return reply
        .status(status)
        .send({ error: { code: 'TT_REQUEST_INVALID', message: (err as Error).message } });
    }
    request.log.error({ err }, 'request failed');
    return reply
      .status(500)
      .send({ error: { code: 'TT_INTERNAL', message: 'internal error; see the hub log' } });
  });

  app.register(
    async (api) => {
      healthRoutes(api, deps);
      sessionRoutes(api, deps);
      devicesRoutes(api, deps);
      indicatorRoutes(api, deps);
      alertRoutes(api, deps);
      desksRoutes(api, deps);
    },
    { prefix: '/api/v1' },
  );
  boardPages(app);
  return app;
}
