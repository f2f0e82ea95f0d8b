import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { fastifyCookie } from '@fastify/cookie';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { EventBus, HubEvents } from '../bus.ts';
import { type Role, SESSION_COOKIE, type User } from '../users/index.ts';

/** The desk board's live feed, and what is on air in each zone. */
export const LIVE_PATH = '/api/v1/desks/live';
export const ON_AIR_LIVE_PATH = '/api/v1/on-air/live';
/** Close codes a page acts on: log in again, or this role may not watch. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export type LiveFeedDeps<T> = {
  /** The WebSocket's path, also the feed's name in logs. */
  path: string;
  server: HttpServer;
  bus: EventBus;
  sessionUser: (token: string) => User | undefined;
  roles: readonly Role[];
  snapshot: () => T;
  /** Bus events after which the snapshot may look different. */
  triggers: ReadonlyArray<keyof HubEvents>;
  /** What changes without an event (a new minute, a program's end) is looked for this often. */
  refreshMs: number;
  /** The snapshot without what changes by itself (the clock): a change in it is worth a push. */
  key: (snapshot: T) => unknown;
  log: Logger;
};

/** Changes that come in a burst go out as one push, still well inside the one second promised. */
const COALESCE_MS = 50;
/** A screen whose network died is noticed and dropped within two of these. */
const PING_MS = 30_000;

type Viewer = { socket: WebSocket; token: string; alive: boolean };

/**
 * A live view over a WebSocket (the desk board at /api/v1/desks/live, the radio's on-air at
 * /api/v1/on-air/live): each signed-in screen of an allowed role gets the snapshot at once and
 * again whenever it changes. A session that ends closes its screens with 4401.
 */
export class LiveFeed<T> {
  readonly #deps: LiveFeedDeps<T>;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  readonly #viewers = new Set<Viewer>();
  #last = '';
  #pending: NodeJS.Timeout | undefined;
  #refresh: NodeJS.Timeout | undefined;
  #ping: NodeJS.Timeout | undefined;
  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.#upgrade(req, socket, head);

  constructor(deps: LiveFeedDeps<T>) {
    this.#deps = deps;
  }

  start(): void {
    this.#deps.server.on('upgrade', this.#onUpgrade);
    for (const event of this.#deps.triggers)
      this.#deps.bus.on(event, this.#deps.path, () => this.#schedule());
    this.#refresh = setInterval(() => this.#push(), this.#deps.refreshMs);
    this.#ping = setInterval(() => this.#pingAll(), PING_MS);
  }

  async stop(): Promise<void> {
    this.#deps.server.off('upgrade', this.#onUpgrade);
    this.#deps.bus.removeOwner(this.#deps.path);
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
    if (new URL(req.url ?? '/', 'http://hub').pathname !== this.#deps.path) return; // not ours
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
      ws.on('error', (err) => this.#deps.log.debug({ err, feed: this.#deps.path }, 'live socket error'));
      this.#send(viewer, this.#snapshot().json);
    });
  }

  #schedule(): void {
    if (this.#pending || this.#viewers.size === 0) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#push();
    }, COALESCE_MS);
  }

  /** Send the snapshot to every screen if it changed since the last push. */
  #push(): void {
    for (const viewer of this.#viewers) {
      if (this.#deps.sessionUser(viewer.token)) continue;
      viewer.socket.close(CLOSE_UNAUTHENTICATED, 'session ended');
      this.#viewers.delete(viewer);
    }
    if (this.#viewers.size === 0) return;
    const snapshot = this.#snapshot();
    if (snapshot.key === this.#last) return;
    this.#last = snapshot.key;
    for (const viewer of this.#viewers) this.#send(viewer, snapshot.json);
  }

  #snapshot(): { json: string; key: string } {
    try {
      const snapshot = this.#deps.snapshot();
      return { json: JSON.stringify(snapshot), key: JSON.stringify(this.#deps.key(snapshot)) };
    } catch (err) {
      this.#deps.log.error({ err, feed: this.#deps.path }, 'live view could not be built');
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
