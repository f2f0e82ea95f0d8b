import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../hub/src/users/index.ts';
import { sessionCookies, startTestHub, type TestHub } from './helpers/hub.ts';

// GET /api/v1/openapi.json describes every route of the API from the schemas that validate it;
// a route registered without its description, or left out of docs/api.md, fails here.

let hub: TestHub;
let document: {
  openapi: string;
  paths: Record<string, Record<string, { summary: string; parameters: Array<{ name: string; in: string }> }>>;
  'x-undocumented': string[];
};

beforeAll(async () => {
  hub = await startTestHub();
  const res = await hub.http.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  document = res.json();
});

afterAll(async () => {
  await hub?.close();
});

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );

describe('the OpenAPI description (GET /api/v1/openapi.json)', () => {
  it('describes every route the hub serves under /api/v1', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document['x-undocumented']).toEqual([]);
    expect(operations().length).toBeGreaterThanOrEqual(40);
    for (const { path, method, operation } of operations()) {
      expect(operation.summary, `${method} ${path}`).toBeTruthy();
      // Each route the description names is one the hub answers (not 404 TT_NOT_FOUND).
      const url = `/api/v1${path.replace(/\{\w+\}/g, '1')}`;
      const found = hub.http.hasRoute({
        method: method as 'GET',
        url: `/api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`,
      });
      expect(found, `${method} ${url}`).toBe(true);
    }
  });

  it('takes its parameters and bodies from the schemas the routes validate with', () => {
    const programs = document.paths['/programs']!.post as unknown as {
      requestBody: {
        content: { 'application/json': { schema: { required: string[]; properties: object } } };
      };
    };
    const body = programs.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['title', 'tier', 'zones', 'content', 'schedule']));
    expect(Object.keys(body.properties)).toContain('on_overlap');
    const log = document.paths['/play-log']!.get!;
    expect(log.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'zone', 'status', 'format']),
    );
    expect(document.paths['/alerts/{id}']!.get!.parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path' }),
    );
  });

  it('is what the hub enforces: each route refuses anyone outside the roles it names', async () => {
    const roles = ROLES;
    const cookies: Record<string, { tt_session: string }> = {};
    for (const role of roles) {
      await hub.users.add({ name: `nguoi-${role}`, role, password: `mat-khau-${role}-2026` });
      cookies[role] = await sessionCookies(hub, `nguoi-${role}`, `mat-khau-${role}-2026`);
    }
    for (const { path, method, operation } of operations()) {
      const who = /^Who: (.*)\.$/.exec((operation as unknown as { description: string }).description)![1]!;
      if (who === 'anyone') continue;
      const url = `/api/v1${path.replace(/\{\w+\}/g, '1')}`;
      const call = (cookie?: { tt_session: string }) =>
        hub.http.inject({ method: method as 'GET', url, ...(cookie ? { cookies: cookie } : {}) });
      expect((await call()).statusCode, `${method} ${path} without a session`).toBe(401);
      for (const role of roles.filter((r) => !who.split(', ').includes(r))) {
        expect((await call(cookies[role])).statusCode, `${method} ${path} as ${role}`).toBe(403);
      }
    }
  });

  it('names only routes docs/api.md lists, and docs/api.md lists them all', () => {
    const table = readFileSync('docs/api.md', 'utf8');
    // Rows of the route tables: route | who | what (examples elsewhere have two cells).
    const listed = new Set(
      [...table.matchAll(/^\| `(GET|POST|PUT|DELETE) (\/[^\s`?]*)[^|]*\|[^|]+\|[^|]+\|$/gm)].map(
        ([, method, path]) => `${method} ${path}`,
      ),
    );
    const described = new Set(operations().map(({ method, path }) => `${method} ${path}`));
    expect([...described].filter((r) => !listed.has(r))).toEqual([]);
    // The WebSockets are in docs/api.md but are not HTTP routes OpenAPI can describe.
    expect([...listed].filter((r) => !described.has(r) && !r.endsWith('/live'))).toEqual([]);
  });
});
