import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from 'aedes';
import mqttPacket from 'mqtt-packet';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { encode, hubStateTopic } from '../../../protocol/index.ts';
import type { MqttLimits } from '../config/index.ts';
import type { ClientKind, DeviceAuthenticator } from '../devices/index.ts';
import type { Ingest, Rejections } from '../ingest/index.ts';
import { publishRefusal, subscribeRefusal } from './acl.ts';
import { AuthThrottle } from './auth-throttle.ts';
import { addressOf } from './connection-limits.ts';
import { MqttGate } from './gate.ts';
import { GuardedConnection } from './guarded-connection.ts';
import { type RefusalKind, Refusals } from './refusals.ts';

// mqtt-packet builds a table of 65,536 two-byte buffers on the first packet it writes: 24 ms of
// the event loop on the first device's CONNACK and 7 MiB of heap kept for good. Writing the two
// bytes of a packet id as they come costs nothing measurable (docs/benchmarks.md).
mqttPacket.writeToStream.cacheNumbers = false;

export type BrokerDeps = {
  site: string;
  version: string;
  auth: DeviceAuthenticator;
  /** Told how many integration clients are connected whenever that changes. */
  onIntegrations?: (connected: number) => void;
  ingest: Ingest;
  rejections: Rejections;
  /** What a client may make the broker hold (site config `mqtt_limits`). */
  limits: MqttLimits;
  log: Logger;
  now?: () => Date;
};

/** Where the broker serves: ports the hub has bound already (hub/src/ports.ts). */
export type BrokerListeners = {
  mqtt: { port: number; serve: (handler: (socket: Socket) => void) => void };
  /** `server` lets the broker bound TLS handshakes too, which happen before `serve` sees a socket. */
  mqttTls?: { port: number; serve: (handler: (socket: Socket) => void) => void; server?: NetServer };
  /** MQTT over WebSocket at /mqtt on the hub's HTTP server. */
  http?: HttpServer;
};

export type BrokerStatus = {
  running: boolean;
  port: number | null;
  tls_port: number | null;
  websocket: string | null;
  clients: number;
};

// CONNACK return codes of MQTT 3.1.1 §3.2.2.3.
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

// aedes' own CONNECT timeout stays as a backstop, later than the gate's so the gate counts it.
const AEDES_CONNECT_TIMEOUT_SLACK_MS = 5_000;

// [MQTT-6.0.0-2] MQTT packets need not align with WebSocket messages: room for a few in one.
const WEBSOCKET_MESSAGE_PACKETS = 2;

/**
 * The embedded MQTT broker: aedes with per-device authentication and the protocol ACL, on TCP,
 * optional TLS, and WebSocket at /mqtt on the hub's HTTP server.
 */
export class Broker {
  readonly #deps: BrokerDeps;
  readonly #sessions = new Map<string, { client: Client; generation: number }>();
  /** What each authenticated client is: a device, or an integration that only reads events. */
  readonly #kinds = new WeakMap<Client, ClientKind>();
  /** Integration clients connected, as last told to `onIntegrations`. */
  #integrations = 0;
  // The credential generation each client authenticated with, until it is ready.
  readonly #pendingGeneration = new WeakMap<Client, number>();
  readonly #refusals: Refusals;
  readonly #gate: MqttGate;
  readonly #throttle: AuthThrottle;
  #aedes: Aedes | undefined;
  #listeners: BrokerListeners | undefined;
  #wss: WebSocketServer | undefined;
  #httpServer: HttpServer | undefined;
  #onUpgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined;

  constructor(deps: BrokerDeps) {
    this.#deps = deps;
    this.#refusals = new Refusals(deps.log);
    this.#gate = new MqttGate(deps.limits, this.#refusals);
    this.#throttle = new AuthThrottle(deps.limits);
  }

  /** Start the broker on its listeners; resolves when MQTT connections are served. */
  async start(listeners: BrokerListeners): Promise<void> {
    const aedes = await Aedes.createBroker({
      id: `thanthien-${this.#deps.site}`,
      maxClientsIdLength: 64,
      connectTimeout: this.#deps.limits.connect_timeout_s * 1000 + AEDES_CONNECT_TIMEOUT_SLACK_MS,
      authenticate: (client, username, password, done) =>
        this.#authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.#authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => {
        const refusal = subscribeRefusal(
          this.#deps.site,
          client.id,
          sub.topic,
          sub.qos,
          this.#kinds.get(client),
        );
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
    deliverOnlyTheHubs(aedes);
    aedes.on('clientReady', (client) => this.#onClientReady(client));
    aedes.on('clientDisconnect', (client) => this.#onClientGone(client));
    aedes.on('clientError', (client, err) =>
      this.#deps.log.debug({ client: client.id, err: err.message }, 'client error'),
    );
    aedes.on('connectionError', (client, err) =>
      this.#deps.log.info({ client: client.id, err: err.message }, 'connection refused'),
    );

    this.#listeners = listeners;
    // The hub's retained state goes first, so the first device to subscribe finds it.
    await this.#publishHubState(true);
    const serve = (socket: Socket) => this.#serveSocket(aedes, socket);
    listeners.mqtt.serve(serve);
    if (listeners.mqttTls) this.#serveTls(listeners.mqttTls, serve);
    if (listeners.http) this.#attachWebSocket(aedes, listeners.http);
    this.#deps.log.info(
      {
        port: listeners.mqtt.port,
        tlsPort: listeners.mqttTls?.port,
        websocket: listeners.http ? '/mqtt' : undefined,
      },
      'MQTT broker serving',
    );
  }

  async stop(): Promise<void> {
    const aedes = this.#aedes;
    if (!aedes) return;
    await this.#publishHubState(false);
    if (this.#httpServer && this.#onUpgrade) this.#httpServer.off('upgrade', this.#onUpgrade);
    for (const ws of this.#wss?.clients ?? []) ws.terminate();
    this.#wss?.close();
    // New connections are refused from here; the hub closes the listening sockets themselves.
    const refuse = (socket: Socket) => socket.destroy();
    this.#listeners?.mqtt.serve(refuse);
    this.#listeners?.mqttTls?.serve(refuse);
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    this.#gate.closeAll();
    this.#aedes = undefined;
  }

  /** What health says of the broker. */
  status(): BrokerStatus {
    const running = this.#aedes !== undefined;
    return {
      running,
      port: this.#listeners?.mqtt.port ?? null,
      tls_port: this.#listeners?.mqttTls?.port ?? null,
      websocket: running && this.#listeners?.http ? '/mqtt' : null,
      clients: this.#aedes?.connectedClients ?? 0,
    };
  }

  /** What the broker refused before serving a client, by kind (health → `refused`). */
  refused(): Readonly<Record<RefusalKind, number>> & { total: number } {
    return this.#refusals.counts();
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
    const connection = client.conn instanceof GuardedConnection ? client.conn : undefined;
    const address = connection?.address ?? 'unknown';
    const device = username ?? client.id ?? '';
    const answer = (returnCode: number, reason: string) =>
      done(Object.assign(new Error(reason), { returnCode }) as AuthenticateError, false);
    const waitMs = this.#throttle.waitMs(device, address);
    if (waitMs > 0) {
      // Refused before the secret is read: no scrypt, no store write.
      const reason = `too many failed logins for "${device}" from ${address}; next try in ${Math.ceil(waitMs / 1000)} s`;
      this.#refusals.record('auth-throttled', { address, client: device, reason });
      answer(NOT_AUTHORIZED, reason);
      return;
    }
    const refuse = (returnCode: number, reason: string) => {
      this.#throttle.failed(device, address);
      this.#deps.rejections.record({ client: client.id ?? null, kind: 'auth', topic: null, reason });
      answer(returnCode, reason);
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
          this.#throttle.succeeded(device, address);
          connection?.authenticated(username);
          this.#pendingGeneration.set(client, result.generation);
          this.#kinds.set(client, result.kind);
          return done(null, true);
        }
        const code = result.reason === 'revoked' ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD;
        refuse(code, `authentication failed for "${username}": ${result.reason}`);
      },
      (err: Error) => {
        // The hub's own fault, not a wrong secret: it must not count against the device.
        this.#deps.log.error({ err, client: client.id }, 'authentication error');
        answer(NOT_AUTHORIZED, 'authentication error');
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
      const refusal = publishRefusal(this.#deps.site, clientId, packet.topic, this.#kinds.get(client!));
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
    // The PUBACK waits for the group commit that holds the message (docs/protocol.md, delivery).
    this.#deps.ingest.submit(clientId ?? deviceOf(packet.topic), packet.topic, payload, (err) => {
      if (!err) return done(null);
      // The store failed: no PUBACK, so the device keeps the event and sends it again.
      this.#deps.log.error({ err, client: clientId, topic: packet.topic }, 'could not store a message');
      done(err);
    });
  }

  #onClientReady(client: Client): void {
    const generation = this.#pendingGeneration.get(client);
    if (generation === undefined) return;
    this.#sessions.set(client.id, { client, generation });
    this.#countIntegrations();
    // The CLI may have revoked or rotated between the check and now.
    this.enforceCredentials();
  }

  #countIntegrations(): void {
    const connected = [...this.#sessions.values()].filter(
      ({ client }) => this.#kinds.get(client) === 'integration',
    ).length;
    if (connected === this.#integrations) return;
    this.#integrations = connected;
    this.#deps.onIntegrations?.(connected);
  }

  #onClientGone(client: Client): void {
    if (this.#sessions.get(client.id)?.client !== client) return; // replaced by a newer connection
    this.#sessions.delete(client.id);
    this.#countIntegrations();
    // A clean DISCONNECT sends no will: the device is gone all the same.
    this.#deps.ingest.connectionClosed(client.id);
  }

  /** A TCP or TLS connection: counted, then served behind the gate, or closed at once. */
  #serveSocket(aedes: Aedes, socket: Socket): void {
    const address = this.#gate.admit(socket);
    if (address === undefined) {
      socket.destroy();
      return;
    }
    aedes.handle(this.#gate.guard(socket, address));
  }

  #serveTls(tls: NonNullable<BrokerListeners['mqttTls']>, serve: (socket: Socket) => void): void {
    tls.serve(serve);
    if (!tls.server) return;
    // A TLS handshake holds memory before `serve` sees its socket: the total bounds those as well.
    tls.server.maxConnections = this.#deps.limits.max_connections;
    tls.server.on('drop', (peer) =>
      this.#refusals.record('too-many-connections', {
        address: addressOf(peer?.remoteAddress),
        reason: 'TLS connections at max_connections',
      }),
    );
  }

  #attachWebSocket(aedes: Aedes, http: HttpServer): void {
    const limits = this.#deps.limits;
    const largestPacket = Math.max(limits.max_connect_bytes, limits.max_packet_bytes_device);
    // ws would otherwise buffer a message of up to 100 MB before anyone saw a byte of it.
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: largestPacket * WEBSOCKET_MESSAGE_PACKETS,
    });
    this.#onUpgrade = (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://hub').pathname !== '/mqtt') return; // not ours
      // Counted under the socket's own peer; X-Forwarded-For is never read.
      const address = this.#gate.admit(req.socket);
      if (address === undefined) {
        // Closed once the answer is out: http no longer times out a socket it handed to 'upgrade'.
        const refusal = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';
        socket.on('error', () => {}); // http stopped listening to it too
        socket.end(refusal, () => socket.destroy());
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) =>
        aedes.handle(this.#gate.guard(createWebSocketStream(ws), address), req),
      );
    };
    http.on('upgrade', this.#onUpgrade);
    this.#wss = wss;
    this.#httpServer = http;
  }
}

/**
 * What a client publishes is for the hub alone: `authorizePublish` hands it to ingest, and the ACL
 * lets no client subscribe to a device's topics (integrations publish nothing). aedes would still
 * route each message after its PUBACK — the retained store, the offline queues, the topic tree —
 * to find no one: ~5% of the main thread and ~8% of what it allocated under the ingest bench
 * (docs/benchmarks.md). So only the hub's own publishes (hub/state, hub/events, commands), which
 * have no client, are routed; a will whose session aedes no longer holds has none either. The
 * publisher's packet is released in the next turn, as routing released it.
 */
function deliverOnlyTheHubs(aedes: Aedes): void {
  type Done = (error?: Error) => void;
  const route = aedes.publish.bind(aedes) as (packet: unknown, client: unknown, done: Done) => void;
  (aedes as unknown as { publish: (packet: unknown, client: unknown, done?: Done) => void }).publish = (
    packet,
    client,
    done,
  ) => {
    if (typeof client === 'function' || client == null) return route(packet, client, done as Done);
    setImmediate(done ?? (() => {}));
  };
}

function toBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return Buffer.from(String(payload ?? ''), 'utf8');
}

/** The device id in a device topic, for a will published without its client. */
function deviceOf(topic: string): string {
  return topic.split('/')[4] ?? '';
}

export type { AedesPublishPacket };
