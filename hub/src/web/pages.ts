import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { en } from '../i18n/en.ts';
import { vi } from '../i18n/vi.ts';
import { PROJECT_ROOT } from '../version.ts';

const ASSETS = join(PROJECT_ROOT, 'hub/src/web/assets');

const asset = (file: string, type: string) => ({ body: readFileSync(join(ASSETS, file)), type });

/** The board's words, from the hub's one catalogue: Vietnamese first, English second. */
const boardMessages = () => {
  const only = (catalogue: Record<string, string>) =>
    Object.fromEntries(Object.entries(catalogue).filter(([key]) => key.startsWith('board.')));
  return JSON.stringify({ vi: only(vi), en: only(en) });
};

// Only our own files: no inline script, no other origin (the board shows officials' names).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";

/** The live desk board (bảng theo dõi quầy) at /board, a page with no build step. */
export function boardPages(app: FastifyInstance): void {
  const files = {
    '/board': asset('board.html', 'text/html; charset=utf-8'),
    '/board/board.js': asset('board.js', 'text/javascript; charset=utf-8'),
    '/board/board.css': asset('board.css', 'text/css; charset=utf-8'),
    '/board/messages.json': { body: Buffer.from(boardMessages()), type: 'application/json; charset=utf-8' },
  };
  for (const [path, file] of Object.entries(files)) {
    app.get(path, async (_request, reply) =>
      reply
        .header('content-type', file.type)
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .send(file.body),
    );
  }
  app.get('/', async (_request, reply) => reply.redirect('/board'));
}
