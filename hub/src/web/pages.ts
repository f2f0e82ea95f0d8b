import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { en } from '../i18n/en.ts';
import { vi } from '../i18n/vi.ts';
import { PROJECT_ROOT } from '../version.ts';

const WEB = join(PROJECT_ROOT, 'hub/src/web');
const MODULES = join(PROJECT_ROOT, 'node_modules');

type File = { body: Buffer; type: string };

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const file = (path: string, type: string): File => ({ body: readFileSync(path), type });

/** The catalogue's words under these prefixes, Vietnamese first, English second. */
const messages = (...prefixes: string[]): File => {
  const only = (catalogue: Record<string, string>) =>
    Object.fromEntries(Object.entries(catalogue).filter(([key]) => prefixes.some((p) => key.startsWith(p))));
  return { body: Buffer.from(JSON.stringify({ vi: only(vi), en: only(en) })), type: JSON_TYPE };
};

// Only our own files: no other origin, no inline script but the import map, allowed by its hash.
const csp = (scriptHashes: string[] = []) =>
  [
    "default-src 'none'",
    `script-src 'self'${scriptHashes.map((h) => ` '${h}'`).join('')}`,
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "media-src 'self' blob:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

function serve(app: FastifyInstance, files: Record<string, File>, policy: string): void {
  for (const [path, { body, type }] of Object.entries(files)) {
    app.get(path, async (_request, reply) =>
      reply
        .header('content-type', type)
        .header('content-security-policy', policy)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .header('cache-control', 'no-cache')
        .send(body),
    );
  }
}

/** The live desk board (bảng theo dõi quầy) at /board: plain modules, for any TV's browser. */
export function boardPages(app: FastifyInstance): void {
  const assets = join(WEB, 'assets');
  serve(
    app,
    {
      '/board': file(join(assets, 'board.html'), HTML),
      '/board/board.js': file(join(assets, 'board.js'), JS),
      '/board/board.css': file(join(assets, 'board.css'), CSS),
      '/board/messages.json': messages('board.'),
    },
    csp(),
  );
}

/**
 * The web app (ứng dụng web) at /app: a page per job for every role, on Preact with htm (tagged
 * templates, so no build step on the Pi); the modules are served as they are written.
 */
export function appPages(app: FastifyInstance): void {
  const dir = join(WEB, 'app');
  const importMap = JSON.stringify({
    imports: {
      preact: '/app/vendor/preact.mjs',
      'preact/hooks': '/app/vendor/hooks.mjs',
      htm: '/app/vendor/htm.mjs',
    },
  });
  const shell = readFileSync(join(dir, 'app.html'), 'utf8').replace(
    '<!-- import map -->',
    `<script type="importmap">${importMap}</script>`,
  );
  const hash = `sha256-${createHash('sha256').update(importMap).digest('base64')}`;
  const files: Record<string, File> = {
    '/app': { body: Buffer.from(shell), type: HTML },
    '/app/messages.json': messages('app.', 'board.'),
    '/app/vendor/preact.mjs': file(join(MODULES, 'preact/dist/preact.mjs'), JS),
    '/app/vendor/hooks.mjs': file(join(MODULES, 'preact/hooks/dist/hooks.mjs'), JS),
    '/app/vendor/htm.mjs': file(join(MODULES, 'htm/dist/htm.mjs'), JS),
  };
  for (const name of appModules(dir)) {
    files[`/app/${name}`] = file(join(dir, name), name.endsWith('.css') ? CSS : JS);
  }
  serve(app, files, csp([hash]));
  app.get('/', async (_request, reply) => reply.redirect('/app'));
}

/** Every script and style of the app, pages included. */
function appModules(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (name) => name.endsWith('.js') || name.endsWith('.css'),
  );
}
