import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { encode, hubStateTopic } from '../../../protocol/index.ts';
import type { DeviceAuthenticator } from '../devices/index.ts';
import type { Ingest, Rejections } from '../ingest/index.ts';
import { publishRefusal, subscribeRefusal } from './acl.ts';

export type BrokerDeps = {
  site: string;
  version: string;
  auth: DeviceAuthenticator;
  ingest: Ingest;
  rejections: Rejections;
  log: Logger;
  now?: () => Date;
};

export type BrokerListen = {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer; port: number };
};

// CONNACK return codes of MQTT 3.1.1 §3.2.2.3.
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/**
 * The embedded MQTT broker: aedes with per-device authentication and the protocol ACL, on TCP,
 * optional TLS, and WebSocket at /mqtt on the hub's HTTP server.
 */
export class Broker {
  readonly #deps: BrokerDeps;
  readonly #sessions = new Map<string, { client: Client; generation: number }>();
  // The credential generation each client authenticated with, until it is ready.
  readonly #pendingGeneration = new WeakMap<Client, number>();
  #aedes: Aedes | undefined;
  #servers: TcpServer[] = [];
  #wss: WebSocketServer | undefined;
  #httpServer: HttpServer | undefined;
  #onUpgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined;

  constructor(deps: BrokerDeps) {
    this.#deps = deps;
  }

  /** Start the broker and its listeners; resolves when MQTT connections are accepted. */
  async start(listen: BrokerListen, http?: HttpServer): Promise<{ port: number; tlsPort?: number }> {
    const aedes = await Aedes.createBroker({
      id: `thanthien-${this.#deps.site}`,
      maxClientsIdLength: 64,
      authenticate: (client, username, password, done) =>
        this.#authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.#authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => {
        const refusal = subscribeRefusal(this.#deps.site, client.id, sub.topic, sub.qos);
        if (!refusal) return done(null, sub);
        this.#deps.rejections.record({
          client: client.id,
          kind: 'acl-subscribe',
          topic: sub.topic,
          reason: refusal,
        });
        done(null, null); // SUBACK 0x80 [MQTT-3.9.3]
      },
    });
    this.#aedes = aedes;
    aedes.on('clientReady', (client) => this.#onClientReady(client));
    aedes.on('clientDisconnect', (client) => this.#onClientGone(client));
    aedes.on('clientError', (client, err) =>
      this.#deps.log.debug({ client: client.id, err: err.message }, 'client error'),
    );
    aedes.on('connectionError', (client, err) =>
      this.#deps.log.info({ client: client.id, err: err.message }, 'connection refused'),
    );

    const tcp = createTcpServer(aedes.handle);
    const port = await listenOn(tcp, listen.host, listen.port);
    this.#servers.push(tcp);
    let tlsPort: number | undefined;
    if (listen.tls) {
      const tls = createTlsServer({ cert: listen.tls.cert, key: listen.tls.key }, aedes.handle);
      tlsPort = await listenOn(tls, listen.host, listen.tls.port);
      this.#servers.push(tls);
    }
    if (http) this.#attachWebSocket(aedes, http);
    await this.#publishHubState(true);
    this.#deps.log.info({ port, tlsPort, websocket: http ? '/mqtt' : undefined }, 'MQTT broker listening');
    return { port, tlsPort };
  }

  async stop(): Promise<void> {
    const aedes = this.#aedes;
    if (!aedes) return;
    await this.#publishHubState(false);
    if (this.#httpServer && this.#onUpgrade) this.#httpServer.off('upgrade', this.#onUpgrade);
    for (const ws of this.#wss?.clients ?? []) ws.terminate();
    this.#wss?.close();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.#servers = [];
    this.#aedes = undefined;
  }

  get connectedClients(): number {
    return this.#aedes?.connectedClients ?? 0;
  }

  /** Close live connections whose credentials were revoked or rotated since they connected. */
  enforceCredentials(): void {
    for (const [id, session] of this.#sessions) {
      if (this.#deps.auth.stillValid(id, session.generation)) continue;
      this.#deps.log.warn({ client: id }, 'credentials revoked or rotated; closing the connection');
      session.client.close();
    }
  }

  /** Publish from the hub itself (commands to devices, hub state); bypasses the device ACL. */
  publish(topic: string, body: object, options: { qos: 0 | 1; retain: boolean }): Promise<void> {
    const aedes = this.#aedes;
    if (!aedes) return Promise.reject(new Error('broker is not running'));
    return new Promise((resolve, reject) => {
      aedes.publish(
        {
          cmd: 'publish',
          topic,
          payload: encode(body),
          qos: options.qos,
          retain: options.retain,
          dup: false,
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  #publishHubState(online: boolean): Promise<void> {
    const body = online
      ? { online: true, version: this.#deps.version, ts: (this.#deps.now?.() ?? new Date()).toISOString() }
      : { online: false };
    return this.publish(hubStateTopic(this.#deps.site), body, { qos: 1, retain: true });
  }

  #authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const refuse = (returnCode: number, reason: string) => {
      this.#deps.rejections.record({ client: client.id ?? null, kind: 'auth', topic: null, reason });
      const error = Object.assign(new Error(reason), { returnCode }) as AuthenticateError;
      done(error, false);
    };
    // [docs/protocol.md, identity] clientId = username = device id.
    if (!username || client.id !== username) {
      refuse(IDENTIFIER_REJECTED, `client id "${client.id}" must equal the user name "${username ?? ''}"`);
      return;
    }
    if (!password || password.length === 0) {
      refuse(BAD_USERNAME_OR_PASSWORD, 'no password given');
      return;
    }
    this.#deps.auth.check(username, password.toString('utf8')).then(
      (result) => {
        if (result.ok) {
          this.#pendingGeneration.set(client, result.generation);
          return done(null, true);
        }
        const code = result.reason === 'revoked' ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD;
        refuse(code, `authentication failed for "${username}": ${result.reason}`);
      },
      (err: Error) => {
        this.#deps.log.error({ err, client: client.id }, 'authentication error');
        refuse(NOT_AUTHORIZED, 'authentication error');
      },
    );
  }

  #authorizePublish(
    client: Client | null,
    packet: { topic: string; payload: unknown },
    done: (error?: Error | null) => void,
  ): void {
    // client is null only for the will of a session that aedes no longer holds; it still tells
    // us the device went away, and it can only be on the topic the device set at CONNECT.
    const clientId = client?.id ?? null;
    if (clientId !== null) {
      const refusal = publishRefusal(this.#deps.site, clientId, packet.topic);
      if (refusal) {
        this.#deps.rejections.record({
          client: clientId,
          kind: 'acl-publish',
          topic: packet.topic,
          reason: refusal,
        });
        // [MQTT-3.3.5-2] the server may close the connection for an unauthorised PUBLISH.
        done(new Error(refusal));
        return;
      }
    }
    const payload = toBytes(packet.payload);
    try {
      this.#deps.ingest.accept(clientId ?? deviceOf(packet.topic), packet.topic, payload);
      done(null);
    } catch (err) {
      // The store failed: no PUBACK, so the device keeps the event and sends it again.
      this.#deps.log.error({ err, client: clientId, topic: packet.topic }, 'could not store a message');
      done(err as Error);
    }
  }

  #onClientReady(client: Client): void {
    const generation = this.#pendingGeneration.get(client);
    if (generation === undefined) return;
    this.#sessions.set(client.id, { client, generation });
    // The CLI may have revoked or rotated between the check and now.
    this.enforceCredentials();
  }

  #onClientGone(client: Client): void {
    if (this.#sessions.get(client.id)?.client !== client) return; // replaced by a newer connection
    this.#sessions.delete(client.id);
    // A clean DISCONNECT sends no will: the device is gone all the same.
    this.#deps.ingest.markOffline(client.id, 'disconnected');
  }

  #attachWebSocket(aedes: Aedes, http: HttpServer): void {
    const wss = new WebSocketServer({ noServer: true });
    this.#onUpgrade = (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://hub').pathname !== '/mqtt') return; // not ours
      wss.handleUpgrade(req, socket, head, (ws) => aedes.handle(createWebSocketStream(ws), req));
    };
    http.on('upgrade', this.#onUpgrade);
    this.#wss = wss;
    this.#httpServer = http;
  }
}

function toBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return Buffer.from(String(payload ?? ''), 'utf8');
}

/** The device id in a device topic, for a will published without its client. */
function deviceOf(topic: string): string {
  return topic.split('/')[4] ?? '';
}

function listenOn(server: TcpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export type { AedesPublishPacket };
