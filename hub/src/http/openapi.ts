import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../users/index.ts';
import { VERSION } from '../version.ts';

/**
 * What a route says of itself in the OpenAPI document: who may call it and the very zod schemas
 * its handler validates with, so the document cannot drift from what the hub accepts.
 */
export type RouteDoc = {
  summary: string;
  /** The roles that may call it, checked before its handler runs; `anyone` needs no session. */
  who: readonly Role[] | 'anyone';
  /** The handler checks who may call it itself: loudspeakers come with device credentials. */
  ownAuth?: { also: string };
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** A body that is a file (its media types), not JSON. */
  upload?: readonly string[];
  /** What it answers when not JSON. */
  produces?: string;
  /** 201 or 204 when that is its success. */
  status?: 200 | 201 | 204;
};

/** Route options carrying a route's doc: `api.get(path, doc({...}), handler)`. */
export const doc = (d: RouteDoc, options: Record<string, unknown> = {}) => ({
  ...options,
  config: { doc: d },
});

type Seen = { method: string; url: string; doc: RouteDoc | undefined };

const API_PREFIX = '/api/v1';

/**
 * Every route registered under /api/v1, with its doc if it has one: the document is built from
 * them, and a route without a doc is named in the document's `x-undocumented` (a test fails on it).
 */
export class ApiCatalogue {
  readonly #routes: Seen[] = [];
  #document: Record<string, unknown> | undefined;

  /**
   * Watch the app's routes as they are registered (call before registering them), and let in only
   * the roles each one's doc names: what the document says is what the hub enforces.
   */
  watch(app: FastifyInstance, admit: (request: FastifyRequest, roles: readonly Role[]) => void): void {
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith(`${API_PREFIX}/`)) return;
      const doc = (route.config as { doc?: RouteDoc } | undefined)?.doc;
      const roles = doc?.who;
      if (roles && roles !== 'anyone' && !doc.ownAuth) {
        const check = async (request: FastifyRequest) => admit(request, roles);
        route.preHandler = [check, ...[route.preHandler ?? []].flat()];
      }
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') this.#routes.push({ method, url: route.url, doc });
      }
    });
  }

  /** The OpenAPI 3.1 document of the API, built at its first request: the routes are all in by then. */
  document(): Record<string, unknown> {
    this.#document ??= this.#build();
    return this.#document;
  }

  #build(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { method, url, doc } of this.#routes) {
      if (!doc) continue;
      const path = url.slice(API_PREFIX.length).replace(/:(\w+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][method.toLowerCase()] = operation(doc);
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Thân Thiện hub API',
        version: VERSION,
        description:
          'The hub of a commune one-stop counter: ratings, presence, alerts, devices, users and the radio. ' +
          'Log in with POST /session; the cookie tt_session carries the session. Errors all answer ' +
          '{error: {code, message, lang, messages: {vi, en}, field?}} (docs/api.md). Live views are ' +
          'WebSockets: /desks/live (admin, leader) and /on-air/live (every role).',
      },
      servers: [{ url: API_PREFIX }],
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tt_session' } },
        schemas: { Error: ERROR_SCHEMA },
      },
      paths,
      'x-undocumented': this.#routes.filter((r) => !r.doc).map((r) => `${r.method} ${r.url}`),
    };
  }
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'lang', 'messages'],
      properties: {
        code: { type: 'string', pattern: '^TT_' },
        message: { type: 'string' },
        lang: { enum: ['vi', 'en'] },
        messages: {
          type: 'object',
          properties: { vi: { type: 'string' }, en: { type: 'string' } },
        },
        field: { type: 'string' },
      },
    },
  },
};

/** A zod schema as JSON Schema, as a request must be written (before transforms). */
const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };

function parameters(where: 'path' | 'query', schema: z.ZodType | undefined) {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: property,
  }));
}

function operation(doc: RouteDoc): Record<string, unknown> {
  const who =
    doc.who === 'anyone' ? 'anyone' : [...doc.who, ...(doc.ownAuth ? [doc.ownAuth.also] : [])].join(', ');
  const success = String(doc.status ?? 200);
  const body = doc.body
    ? { content: { 'application/json': { schema: jsonSchema(doc.body) } } }
    : doc.upload
      ? {
          required: true,
          content: Object.fromEntries(
            doc.upload.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
          ),
        }
      : undefined;
  return {
    summary: doc.summary,
    description: `Who: ${who}.`,
    ...(doc.who === 'anyone' ? { security: [] } : { security: [{ session: [] }] }),
    parameters: [...parameters('path', doc.params), ...parameters('query', doc.query)],
    ...(body ? { requestBody: body } : {}),
    responses: {
      [success]: {
        description: success === '204' ? 'done' : 'the answer',
        ...(success === '204' ? {} : { content: { [doc.produces ?? 'application/json']: {} } }),
      },
      default: {
        description: 'a refusal or a failure, in the one error shape',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
}
