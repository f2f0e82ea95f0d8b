import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import {
  type Ack,
  type Command,
  DEVICE_ID_PATTERN,
  DEVICE_KINDS,
  type DeviceKind,
  type DeviceTopic,
  deviceTopic,
  type EventType,
  encode,
  parseDeviceMessage,
  SITE_PATTERN,
} from '../../../protocol/index.ts';
import { type EventQueue, MemoryQueue, type QueuedEvent } from './event-queue.ts';

/** pino's signature, so the hub's or a board's logger can be passed as it is. */
export type LinkLogger = {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
};

export type DeviceLinkOptions = {
  /** mqtt://host:1883, mqtts://host:8883 or ws://host:8080/mqtt */
  url: string;
  site: string;
  id: string;
  secret: string;
  kind: DeviceKind;
  fw: string;
  /** Where events wait for their PUBACK; a FileQueue keeps them across reboots. */
  queue?: EventQueue;
  clock?: () => Date;
  /** `ts` is sent only while the clock is synchronised (docs/protocol.md, time). */
  clockSynced?: () => boolean;
  /** What the device adds to its birth (a speaker: its clock's state). */
  birth?: () => Record<string, unknown>;
  /** The first wait before reconnecting; it doubles while the hub stays away, up to 30 s. */
  reconnectPeriodMs?: number;
  keepaliveS?: number;
  /** Events sent ahead of their PUBACK. */
  inflight?: number;
  /** An event unacknowledged this long on a live connection is sent again (default 15 s). */
  ackTimeoutMs?: number;
  logger?: LinkLogger;
};

/** An event's body as it goes on the wire: its identity (docs/protocol.md) and its own fields. */
export type EventIdentity = { boot: string; seq: number; ts?: string };

export type DeviceLinkEvents = {
  connected: [];
  disconnected: [];
  /** The hub's PUBACK arrived: the event is durable at the hub and left the queue. */
  acked: [body: Record<string, unknown>];
  command: [command: Command];
  /** A connection problem (refused CONNACK, hub unreachable): reported, never thrown. */
  problem: [error: Error];
  /**
   * The same as `problem`, emitted only while someone listens: an EventEmitter throws an 'error'
   * nobody hears, and a device must outlive its network.
   */
  error: [error: Error];
};

/** The link's catalogue of coded errors. */
export const LINK_ERRORS = {
  TT_LINK_OPTIONS_INVALID: 'device link options are invalid',
  TT_LINK_EVENT_INVALID: 'event does not follow protocol v1',
  TT_LINK_REFUSED: 'the hub refused the connection',
  TT_LINK_NOT_STARTED: 'the device link is not started',
} as const;
export type LinkErrorCode = keyof typeof LINK_ERRORS;

export class LinkError extends Error {
  readonly code: LinkErrorCode;
  /** The CONNACK return code of a refusal (MQTT 3.1.1 §3.2.2.3), e.g. 4 bad username or password. */
  readonly returnCode: number | undefined;

  constructor(code: LinkErrorCode, detail?: string, options?: { cause?: unknown; returnCode?: number }) {
    super(detail ? `${LINK_ERRORS[code]}: ${detail}` : LINK_ERRORS[code], options);
    this.name = 'LinkError';
    this.code = code;
    this.returnCode = options?.returnCode;
  }
}

const MAX_BACKOFF_MS = 30_000;
const SILENT: LinkLogger = { debug() {}, info() {}, warn() {}, error() {} };
const BOOT_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

type Settings = Required<Omit<DeviceLinkOptions, 'queue' | 'logger' | 'birth'>> & {
  queue: EventQueue;
  logger: LinkLogger;
  birth?: () => Record<string, unknown>;
};

/**
 * A device's side of protocol v1 over MQTT: identity (clientId = username = id), the will and
 * birth on its state topic, boot/seq identities, an offline queue that keeps every event until
 * the hub's PUBACK and sends the oldest first, and the commands addressed to it.
 *
 * @example
 * const link = new DeviceLink({ url: 'mqtt://hub.local:1883', site: 'xa-tan-lap', id: 'btn-01',
 *   secret, kind: 'rating-button', fw: '1.0.0', queue: new FileQueue('/var/lib/tt/queue.jsonl') });
 * link.start();
 * link.record('rating', { score: 4, scale: 4 }); // → { boot: 'k3j9x2ab', seq: 0, ts: '…+07:00', score: 4, scale: 4 }
 */
export class DeviceLink extends EventEmitter<DeviceLinkEvents> {
  readonly id: string;
  /** Chosen at each start of the device program (docs/protocol.md, events are identified forever). */
  readonly boot = randomBootId();
  readonly #options: Readonly<Settings>;
  /** Keys of events published and not yet called back; MQTT.js resends them after a reconnect. */
  /** Events sent and not yet acknowledged, with when they were sent. */
  readonly #inflight = new Map<string, number>();
  #watchdog: NodeJS.Timeout | undefined;
  #client: MqttClient | undefined;
  #seq = 0;
  #backoffMs: number;
  #online = false;
  /** Set by cut(): stay away until reconnect(). */
  #cutOff = false;

  constructor(options: DeviceLinkOptions) {
    super();
    this.id = options.id;
    this.#options = Object.freeze(validated(options));
    this.#backoffMs = this.#options.reconnectPeriodMs;
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  get queueLength(): number {
    return this.#options.queue.length;
  }

  /** Events recorded since this boot (the next seq). */
  get recorded(): number {
    return this.#seq;
  }

  /** Connect, and keep reconnecting with backoff; 'connected' is emitted at each connection. */
  start(): void {
    if (this.#client) return;
    this.#watchdog = setInterval(() => this.#resendOverdue(), this.#options.ackTimeoutMs / 2);
    this.#watchdog.unref();
    const { url, id, secret, keepaliveS, reconnectPeriodMs } = this.#options;
    const client = mqtt.connect(url, {
      clientId: id,
      username: id,
      password: secret,
      protocolVersion: 4,
      clean: true,
      keepalive: keepaliveS,
      reconnectPeriod: reconnectPeriodMs,
      // A refused CONNACK (wrong secret) may be fixed by a technician: keep trying, slowly.
      reconnectOnConnackError: true,
      queueQoSZero: false,
      will: {
        topic: this.#topic({ family: 'state' }),
        payload: encode(this.#goodbye()),
        qos: 1,
        retain: true,
      },
    });
    client.on('connect', () => this.#onConnect(client));
    client.on('close', () => this.#onClose(client));
    client.on('error', (err) => this.#onError(err));
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    this.#client = client;
  }

  /**
   * Say goodbye (offline state, retained) and disconnect cleanly, waiting for events in flight;
   * if the hub does not answer within `graceMs`, drop the connection so that stopping never hangs
   * (the will then says offline).
   */
  async stop(graceMs = 2_000): Promise<void> {
    clearInterval(this.#watchdog);
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    const goodbye = async () => {
      if (client.connected && !client.disconnecting) {
        await client.publishAsync(this.#topic({ family: 'state' }), encode(this.#goodbye()), {
          qos: 1,
          retain: true,
        });
      }
      await client.endAsync();
    };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const outcome = await Promise.race([goodbye().catch(() => 'late' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') await client.endAsync(true);
    this.#options.queue.close();
    this.#options.logger.info({ device: this.id, queued: this.queueLength }, 'device link stopped');
  }

  /**
   * Record an event: it gets this boot's next seq and the time (when the clock is synchronised),
   * waits in the queue, and is sent as soon as the hub is reachable. Throws a LinkError when the
   * fields do not make a valid event, so that a device bug never becomes a message the hub rejects.
   */
  record<T extends Record<string, unknown>>(type: EventType, fields: T): T & EventIdentity {
    const { boot: _boot, seq: _seq, ts: _ts, ...own } = fields;
    const body = { boot: this.boot, seq: this.#seq, ...this.#timestamp(), ...own } as T & EventIdentity;
    const checked = parseDeviceMessage({ family: 'evt', event: type }, encode(body));
    if (!checked.ok) throw new LinkError('TT_LINK_EVENT_INVALID', `${type}: ${checked.reason}`);
    this.#seq += 1;
    this.#options.queue.push({
      key: `${body.boot}:${body.seq}`,
      topic: this.#topic({ family: 'evt', event: type }),
      body,
    });
    this.#pump();
    return body;
  }

  /** Telemetry is QoS 0 and not queued: only the current value matters, and only when connected. */
  telemetry(fields: Record<string, unknown>): void {
    const client = this.#client;
    if (!client?.connected) return;
    const body = { ...this.#timestamp(), ...fields };
    const checked = parseDeviceMessage({ family: 'telemetry' }, encode(body));
    if (!checked.ok) {
      this.#options.logger.warn({ device: this.id, reason: checked.reason }, 'telemetry dropped');
      return;
    }
    client.publish(this.#topic({ family: 'telemetry' }), encode(body), { qos: 0 });
  }

  /** Answer a command on the own `ack` topic (QoS 1); `ts` is added when the clock is synchronised. */
  ack(ack: Omit<Ack, 'ts'>): void {
    const client = this.#client;
    if (!client) return;
    const body = { ...ack, ...this.#timestamp() };
    client.publish(this.#topic({ family: 'ack' }), encode(body), { qos: 1 }, (err) => {
      if (err) this.#options.logger.warn({ device: this.id, ack: body, err: err.message }, 'ack not sent');
    });
  }

  /**
   * Hand every valid command addressed to this device to `handler`; its errors are caught and
   * logged. Returns the function that removes it.
   */
  onCommand(handler: (command: Command) => void | Promise<void>): () => void {
    const listener = (command: Command) => {
      const failed = (err: unknown) =>
        this.#options.logger.error(
          { device: this.id, command: command.id, err: (err as Error)?.message },
          'command handler failed',
        );
      try {
        const done = handler(command);
        if (done instanceof Promise) done.catch(failed);
      } catch (err) {
        failed(err);
      }
    };
    this.on('command', listener);
    return () => this.off('command', listener);
  }

  /** Publish the birth again (the `rebirth` command, or after a change the hub should see). */
  rebirth(): void {
    this.#client?.publish(this.#topic({ family: 'state' }), encode(this.#birth()), { qos: 1, retain: true });
  }

  /**
   * Drop the connection without DISCONNECT, as a power cut would: the broker publishes the will.
   * The link stays away until reconnect(); events in flight go back to waiting in the queue.
   */
  cut(): void {
    const client = this.#client;
    if (!client || this.#cutOff) return;
    this.#cutOff = true;
    // With no reconnect period, end(true) also fails the publishes in flight, so that they are
    // sent again from our queue; the queue, not MQTT.js's session, is what keeps events.
    client.options.reconnectPeriod = 0;
    client.stream?.destroy();
    // Forced: no DISCONNECT packet [MQTT-3.1.2-8: the will is published]; also stops a pending retry.
    client.end(true);
    this.#options.logger.info({ device: this.id }, 'connection cut');
  }

  /** Connect again after cut(); does nothing otherwise. */
  reconnect(): void {
    const client = this.#client;
    if (!client || !this.#cutOff) return;
    this.#cutOff = false;
    this.#backoffMs = this.#options.reconnectPeriodMs;
    client.options.reconnectPeriod = this.#backoffMs;
    // Fresh stores: end(true) closed the old ones after failing their publishes.
    const again = () => {
      if (this.#client === client && !this.#cutOff) client.reconnect();
    };
    if (client.disconnected) again();
    else client.once('end', again);
  }

  /** Publish anything on a topic, for tests and the technicians' bench (e.g. a late will). */
  publishRaw(topic: string, body: object): Promise<unknown> {
    if (!this.#client) return Promise.reject(new LinkError('TT_LINK_NOT_STARTED'));
    return this.#client.publishAsync(topic, encode(body), { qos: 1 });
  }

  #onConnect(client: MqttClient): void {
    this.#online = true;
    this.#backoffMs = this.#options.reconnectPeriodMs;
    client.options.reconnectPeriod = this.#backoffMs;
    this.#options.logger.info({ device: this.id, boot: this.boot }, 'connected to the hub');
    // The birth goes first, then the cmd subscription, then the queue (docs/protocol.md).
    client.publish(this.#topic({ family: 'state' }), encode(this.#birth()), { qos: 1, retain: true });
    client.subscribe(this.#topic({ family: 'cmd' }), { qos: 1 }, (err, granted) => {
      const refused = err ?? granted?.find((g) => g.qos === 128);
      if (refused) this.#options.logger.warn({ device: this.id }, 'subscription to own cmd refused');
    });
    this.emit('connected');
    this.#pump();
  }

  #onClose(client: MqttClient): void {
    // Back off while the hub stays away: 1 s, 2 s, 4 s … 30 s. MQTT.js reads the period each
    // time it schedules a retry; a cut sets it to 0, which stays until reconnect().
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    if (client.options.reconnectPeriod) client.options.reconnectPeriod = this.#backoffMs;
    if (!this.#online) return;
    this.#online = false;
    this.#options.logger.info({ device: this.id, queued: this.queueLength }, 'disconnected from the hub');
    this.emit('disconnected');
  }

  #onError(err: Error): void {
    const returnCode = (err as { code?: unknown }).code;
    const problem =
      typeof returnCode === 'number' && err.message.startsWith('Connection refused')
        ? new LinkError('TT_LINK_REFUSED', `CONNACK ${returnCode} (${err.message})`, {
            cause: err,
            returnCode,
          })
        : err;
    this.#options.logger.warn({ device: this.id, err: problem.message }, 'connection problem');
    this.emit('problem', problem);
    if (this.listenerCount('error') > 0) this.emit('error', problem);
  }

  /** Send the oldest waiting events, up to the in-flight window; each leaves the queue on its PUBACK. */
  #pump(): void {
    const client = this.#client;
    if (!client?.connected || client.disconnecting) return;
    const room = this.#options.inflight - this.#inflight.size;
    if (room <= 0) return;
    for (const event of this.#options.queue.peek(this.#inflight.size + room)) {
      if (this.#inflight.has(event.key)) continue;
      this.#send(client, event);
    }
  }

  /**
   * The safety net under the PUBACK callbacks: an event sent more than `ackTimeoutMs` ago on a live
   * connection is sent again from the queue. A callback that never comes (a session MQTT.js dropped
   * while the hub died and the box was cut at once) must not stall the box for good; a resend is a
   * duplicate the hub keeps once.
   */
  #resendOverdue(): void {
    if (!this.#client?.connected) return;
    const overdue = Date.now() - this.#options.ackTimeoutMs;
    let resend = false;
    for (const [key, sentAt] of this.#inflight) {
      if (sentAt < overdue) {
        this.#inflight.delete(key);
        resend = true;
      }
    }
    if (resend) this.#pump();
  }

  #send(client: MqttClient, event: QueuedEvent): void {
    this.#inflight.set(event.key, Date.now());
    // MQTT.js keeps an unacknowledged QoS 1 publish and sends it again after a reconnect, so a
    // key stays in flight until this callback; an error means it is sent again by the next pump.
    client.publish(event.topic, encode(event.body), { qos: 1 }, (err) => {
      this.#inflight.delete(event.key);
      // A failed publish waits for the next connection, which pumps again: retrying here, where
      // MQTT.js may call back at once while the socket closes, recursed without end.
      if (err) return;
      if (this.#options.queue.remove(event.key)) this.emit('acked', event.body);
      setImmediate(() => this.#pump());
    });
  }

  #onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.#topic({ family: 'cmd' })) return;
    const parsed = parseDeviceMessage({ family: 'cmd' }, payload);
    if (parsed.ok) {
      if (parsed.value.family === 'cmd') this.emit('command', parsed.value.body);
      return;
    }
    // docs/protocol.md: a missing or ill-typed field rejects the message with a reason.
    const id = commandId(payload);
    this.#options.logger.warn({ device: this.id, command: id ?? null, reason: parsed.reason }, 'bad command');
    if (id) this.ack({ id, status: 'rejected', error: parsed.reason.slice(0, 200) });
  }

  #birth() {
    return {
      online: true,
      kind: this.#options.kind,
      fw: this.#options.fw,
      boot: this.boot,
      ...this.#timestamp(),
      ...this.#options.birth?.(),
    };
  }

  #goodbye() {
    return { online: false, boot: this.boot };
  }

  #timestamp(): { ts?: string } {
    return this.#options.clockSynced() ? { ts: isoWithOffset(this.#options.clock()) } : {};
  }

  #topic(topic: DeviceTopic): string {
    return deviceTopic(this.#options.site, this.#options.id, topic);
  }
}

function validated(options: DeviceLinkOptions): Settings {
  const problems: string[] = [];
  if (!/^(mqtts?|wss?):\/\//.test(options.url))
    problems.push(`url "${options.url}" must be mqtt(s):// or ws(s)://`);
  if (!SITE_PATTERN.test(options.site)) problems.push(`site must match ${SITE_PATTERN.source}`);
  if (!DEVICE_ID_PATTERN.test(options.id)) problems.push(`id must match ${DEVICE_ID_PATTERN.source}`);
  if (!(DEVICE_KINDS as readonly string[]).includes(options.kind)) {
    problems.push(`kind must be one of ${DEVICE_KINDS.join(', ')}`);
  }
  if (!options.fw || options.fw.length > 32) problems.push('fw must be 1–32 characters');
  for (const key of ['reconnectPeriodMs', 'keepaliveS', 'inflight', 'ackTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      problems.push(`${key} must be a positive integer`);
    }
  }
  if (problems.length > 0) throw new LinkError('TT_LINK_OPTIONS_INVALID', problems.join('; '));
  return {
    ...options,
    clock: options.clock ?? (() => new Date()),
    clockSynced: options.clockSynced ?? (() => true),
    reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
    keepaliveS: options.keepaliveS ?? 30,
    inflight: options.inflight ?? 20,
    ackTimeoutMs: options.ackTimeoutMs ?? 15_000,
    queue: options.queue ?? new MemoryQueue(),
    logger: options.logger ?? SILENT,
  };
}

/** `[a-z0-9]{8}`, uniformly drawn. */
function randomBootId(): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += BOOT_ALPHABET[randomInt(BOOT_ALPHABET.length)];
  return id;
}

/** The id of a command we could not parse, so that the hub hears why it was rejected. */
function commandId(payload: Buffer): string | undefined {
  try {
    const id = JSON.parse(payload.toString('utf8'))?.id;
    return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * ISO-8601 in the machine's local offset with milliseconds (docs/protocol.md, time).
 *
 * @example isoWithOffset(new Date('2026-11-22T01:15:30.123Z')) // on a machine in Asia/Ho_Chi_Minh
 * // → '2026-11-22T08:15:30.123+07:00'
 */
export function isoWithOffset(at: Date): string {
  const offsetMin = -at.getTimezoneOffset();
  const local = new Date(at.getTime() + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
