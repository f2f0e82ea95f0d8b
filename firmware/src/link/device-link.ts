import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import {
  type Ack,
  type Command,
  type DeviceKind,
  deviceTopic,
  type EventType,
  encode,
  parseDeviceMessage,
} from '../../../protocol/index.ts';
import { type EventQueue, MemoryQueue, type QueuedEvent } from './event-queue.ts';

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
  /** `ts` is sent only while the clock is synchronised (DESIGN §4 time). */
  clockSynced?: () => boolean;
  reconnectPeriodMs?: number;
  keepaliveS?: number;
  /** Events sent ahead of their PUBACK. */
  inflight?: number;
};

export type DeviceLinkEvents = {
  connected: [];
  disconnected: [];
  acked: [body: Record<string, unknown>];
  command: [command: Command];
  /** A connection problem (refused CONNACK, hub unreachable): reported, never thrown. */
  problem: [error: Error];
};

const MAX_BACKOFF_MS = 30_000;

/**
 * A device's side of protocol v1 over MQTT: identity (clientId = username = id), the will and
 * birth on its state topic, boot/seq identities, an offline queue that keeps every event until
 * the hub's PUBACK and sends the oldest first, and the commands addressed to it.
 */
export class DeviceLink extends EventEmitter<DeviceLinkEvents> {
  readonly id: string;
  /** Chosen at each start of the device program (DESIGN §4 events are identified forever). */
  readonly boot = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  readonly #options: Required<Omit<DeviceLinkOptions, 'queue'>> & { queue: EventQueue };
  readonly #inflight = new Set<string>();
  #client: MqttClient | undefined;
  #seq = 0;
  #backoffMs: number;

  constructor(options: DeviceLinkOptions) {
    super();
    this.id = options.id;
    this.#options = {
      clock: () => new Date(),
      clockSynced: () => true,
      reconnectPeriodMs: 1000,
      keepaliveS: 30,
      inflight: 20,
      ...options,
      queue: options.queue ?? new MemoryQueue(),
    };
    this.#backoffMs = this.#options.reconnectPeriodMs;
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  get queueLength(): number {
    return this.#options.queue.length;
  }

  /** Events recorded since this boot. */
  get recorded(): number {
    return this.#seq;
  }

  /** Connect, and keep reconnecting with backoff; 'connected' is emitted at each connection. */
  start(): void {
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
        payload: encode({ online: false, boot: this.boot }),
        qos: 1,
        retain: true,
      },
    });
    client.on('connect', () => this.#onConnect(client));
    client.on('close', () => {
      // Back off while the hub stays away: 1 s, 2 s, 4 s … 30 s.
      this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
      if (client.options.reconnectPeriod) client.options.reconnectPeriod = this.#backoffMs;
      this.emit('disconnected');
    });
    // Not 'error': an EventEmitter throws an unheard 'error', and a device must outlive its network.
    client.on('error', (err) => this.emit('problem', err));
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    this.#client = client;
  }

  /**
   * Say goodbye (offline state, retained) and disconnect cleanly; if the hub does not answer within
   * `graceMs`, drop the connection so that stopping never hangs (the will then says offline).
   */
  async stop(graceMs = 2_000): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    const goodbye = async () => {
      if (client.connected) {
        await client.publishAsync(
          this.#topic({ family: 'state' }),
          encode({ online: false, boot: this.boot }),
          {
            qos: 1,
            retain: true,
          },
        );
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
  }

  /**
   * Record an event: it gets this boot's next seq and the time (when the clock is synchronised),
   * waits in the queue, and is sent as soon as the hub is reachable.
   */
  record<T extends Record<string, unknown>>(
    type: EventType,
    fields: T,
  ): T & { boot: string; seq: number; ts?: string } {
    const body = { boot: this.boot, seq: this.#seq++, ...this.#timestamp(), ...fields };
    this.#options.queue.push({
      key: `${body.boot}:${body.seq}`,
      topic: this.#topic({ family: 'evt', event: type }),
      body,
    });
    this.#pump();
    return body;
  }

  /** Telemetry is QoS 0 and not queued: only the current value matters. */
  telemetry(fields: Record<string, unknown>): void {
    if (this.connected)
      this.#client!.publish(
        this.#topic({ family: 'telemetry' }),
        encode({ ...this.#timestamp(), ...fields }),
        { qos: 0 },
      );
  }

  ack(ack: Omit<Ack, 'ts'>): void {
    this.#client?.publish(this.#topic({ family: 'ack' }), encode({ ...ack, ...this.#timestamp() }), {
      qos: 1,
    });
  }

  /** Publish the birth again (the `rebirth` command, or after a change the hub should see). */
  rebirth(): void {
    this.#client?.publish(this.#topic({ family: 'state' }), encode(this.#birth()), { qos: 1, retain: true });
  }

  /** Drop the connection without DISCONNECT, as a power cut would: the broker publishes the will. */
  cut(): void {
    const client = this.#client;
    if (!client) return;
    client.options.reconnectPeriod = 0; // stay away until reconnect()
    client.stream?.destroy();
  }

  reconnect(): void {
    const client = this.#client;
    if (!client) return;
    this.#backoffMs = this.#options.reconnectPeriodMs;
    client.options.reconnectPeriod = this.#backoffMs;
    // Hand MQTT.js its own stores back: without them reconnect() starts empty ones, and the
    // events in flight would never be sent again nor called back.
    client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
  }

  /** Publish anything on a topic, for tests and the technicians' bench (e.g. a late will). */
  publishRaw(topic: string, body: object): Promise<unknown> {
    if (!this.#client) return Promise.reject(new Error('not started'));
    return this.#client.publishAsync(topic, encode(body), { qos: 1 });
  }

  #onConnect(client: MqttClient): void {
    this.#backoffMs = this.#options.reconnectPeriodMs;
    client.options.reconnectPeriod = this.#backoffMs;
    client.publish(this.#topic({ family: 'state' }), encode(this.#birth()), { qos: 1, retain: true });
    client.subscribe(this.#topic({ family: 'cmd' }), { qos: 1 });
    this.emit('connected');
    this.#pump();
  }

  /** Send the oldest waiting events, up to the in-flight window; each leaves the queue on its PUBACK. */
  #pump(): void {
    const client = this.#client;
    if (!client?.connected) return;
    const room = this.#options.inflight - this.#inflight.size;
    if (room <= 0) return;
    for (const event of this.#options.queue.peek(this.#inflight.size + room)) {
      if (this.#inflight.has(event.key)) continue;
      this.#send(client, event);
    }
  }

  #send(client: MqttClient, event: QueuedEvent): void {
    this.#inflight.add(event.key);
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
    if (parsed.ok && parsed.value.family === 'cmd') {
      this.emit('command', parsed.value.body);
      return;
    }
    const id = commandId(payload);
    if (id && !parsed.ok) this.ack({ id, status: 'rejected', error: parsed.reason.slice(0, 200) });
  }

  #birth() {
    return {
      online: true,
      kind: this.#options.kind,
      fw: this.#options.fw,
      boot: this.boot,
      ...this.#timestamp(),
    };
  }

  #timestamp(): { ts?: string } {
    return this.#options.clockSynced() ? { ts: isoWithOffset(this.#options.clock()) } : {};
  }

  #topic(topic: Parameters<typeof deviceTopic>[2]): string {
    return deviceTopic(this.#options.site, this.#options.id, topic);
  }
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

/** ISO-8601 in the machine's local offset with milliseconds: 2026-11-22T08:15:30.123+07:00. */
export function isoWithOffset(at: Date): string {
  const offsetMin = -at.getTimezoneOffset();
  const local = new Date(at.getTime() + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
