import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { fastifyCookie } from '@fastify/cookie';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { EventBus, HubEvents } from '../bus.ts';
import { type Role, SESSION_COOKIE, type User } from '../users/index.ts';
import type { DeskBoard } from './desk-board.ts';

export const LIVE_PATH = '/api/v1/desks/live';
/** Close codes a page acts on: log in again, or this role may not watch. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export type DeskBoardLiveDeps = {
  server: HttpServer;
  bus: EventBus;
  sessionUser: (token: string) => User | undefined;
  roles: readonly Role[];
  snapshot: () => DeskBoard;
  log: Logger;
};

/** Bus events after which the board may look different. */
const TRIGGERS: ReadonlyArray<keyof HubEvents> = [
  'desk.changed',
  'event.accepted',
  'device.online',
  'device.offline',
];
/** Changes that come in a burst go out as one push, still well inside the one second promised. */
const COALESCE_MS = 50;
/** Alerts handled elsewhere, a new minute, a new day: looked for this often. */
const REFRESH_MS = 5_000;
/** A screen whose network died is noticed and dropped within two of these. */
const PING_MS = 30_000;

type Viewer = { socket: WebSocket; token: string; alive: boolean };

/**
 * The live desk board's WebSocket at /api/v1/desks/live: each signed-in leader's screen gets the
 * board at once and again whenever it changes. A session that ends closes its screens with 4401.
 */
export class DeskBoardLive {
  readonly #deps: DeskBoardLiveDeps;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  readonly #viewers = new Set<Viewer>();
  #last = '';
  #pending: NodeJS.Timeout | undefined;
  #refresh: NodeJS.Timeout | undefined;
  #ping: NodeJS.Timeout | undefined;
  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.#upgrade(req, socket, head);

  constructor(deps: DeskBoardLiveDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#deps.server.on('upgrade', this.#onUpgrade);
    for (const event of TRIGGERS) this.#deps.bus.on(event, 'desk-board', () => this.#schedule());
    this.#refresh = setInterval(() => this.#push(), REFRESH_MS);
    this.#ping = setInterval(() => this.#pingAll(), PING_MS);
  }

  async stop(): Promise<void> {
    this.#deps.server.off('upgrade', this.#onUpgrade);
    this.#deps.bus.removeOwner('desk-board');
    clearTimeout(this.#pending);
    clearInterval(this.#refresh);
    clearInterval(this.#ping);
    for (const viewer of this.#viewers) viewer.socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  get viewers(): number {
    return this.#viewers.size;
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (new URL(req.url ?? '/', 'http://hub').pathname !== LIVE_PATH) return; // not ours
    // A page from another site must not ride on a leader's cookie (cross-site WebSocket hijacking).
    const origin = req.headers.origin;
    if (origin !== undefined && new URL(origin).host !== req.headers.host) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const token = fastifyCookie.parse(req.headers.cookie ?? '')[SESSION_COOKIE] ?? '';
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const user = token ? this.#deps.sessionUser(token) : undefined;
      if (!user) return ws.close(CLOSE_UNAUTHENTICATED, 'log in first');
      if (!this.#deps.roles.includes(user.role)) {
        return ws.close(CLOSE_FORBIDDEN, `needs ${this.#deps.roles.join(' or ')}`);
      }
      const viewer: Viewer = { socket: ws, token, alive: true };
      this.#viewers.add(viewer);
      ws.on('pong', () => (viewer.alive = true));
      ws.on('close', () => this.#viewers.delete(viewer));
      ws.on('error', (err) => this.#deps.log.debug({ err }, 'desk board socket error'));
      this.#send(viewer, this.#board().json);
    });
  }

  #schedule(): void {
    if (this.#pending || this.#viewers.size === 0) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#push();
    }, COALESCE_MS);
  }

  /** Send the board to every screen if it changed since the last push. */
  #push(): void {
    for (const viewer of this.#viewers) {
      if (this.#deps.sessionUser(viewer.token)) continue;
      viewer.socket.close(CLOSE_UNAUTHENTICATED, 'session ended');
      this.#viewers.delete(viewer);
    }
    if (this.#viewers.size === 0) return;
    const board = this.#board();
    if (board.key === this.#last) return;
    this.#last = board.key;
    for (const viewer of this.#viewers) this.#send(viewer, board.json);
  }

  #board(): { json: string; key: string } {
    try {
      const board = this.#deps.snapshot();
      // The clock alone is no change worth a push.
      return { json: JSON.stringify(board), key: JSON.stringify({ ...board, server_time: null }) };
    } catch (err) {
      this.#deps.log.error({ err }, 'desk board could not be built');
      return { json: JSON.stringify({ error: 'internal' }), key: this.#last };
    }
  }

  #send(viewer: Viewer, json: string): void {
    if (viewer.socket.readyState === viewer.socket.OPEN) viewer.socket.send(json);
  }

  #pingAll(): void {
    for (const viewer of this.#viewers) {
      if (!viewer.alive) {
        viewer.socket.terminate();
        continue;
      }
      viewer.alive = false;
      viewer.socket.ping();
    }
  }
}
