import type { Logger } from 'pino';
import {
  type Ack,
  type DeviceEvent,
  type DeviceKind,
  type DeviceMessage,
  type DeviceState,
  parseDeviceMessage,
  parseDeviceTopic,
  type Telemetry,
} from '../../../protocol/index.ts';
import type { EventBus } from '../bus.ts';
import type { Availability, DeviceRecord, DeviceRegistry } from '../devices/index.ts';
import { type GroupCommit, type Store, statement } from '../store/index.ts';
import { EventIdentities } from './identities.ts';
import type { Outbox } from './outbox.ts';
import { devicePoint } from './points.ts';
import type { Rejections } from './rejections.ts';
import type { IngestSteps } from './steps.ts';

/** Which kind of device sends each event type: anything else is refused with a reason. */
const EVENT_SENDERS: Record<DeviceEvent['type'], DeviceKind> = {
  rating: 'rating-button',
  'rating-reason': 'rating-button',
  presence: 'presence-sensor',
};

/** A `ts` more than this far in the future is replaced by the receive time (docs/protocol.md, time). */
const FUTURE_TOLERANCE_MS = 60_000;
/** The broker lets a device publish only on its own topics: a few per device. */
const MAX_KNOWN_TOPICS = 10_000;

export type IngestDeps = {
  site: string;
  db: Store;
  devices: DeviceRegistry;
  availability: Availability;
  outbox: Outbox;
  rejections: Rejections;
  /** What the domains do with each message, inside its transaction. */
  steps: IngestSteps;
  /** The store's group commit: every message is taken in inside one of its transactions. */
  commits: GroupCommit;
  bus: EventBus;
  log: Logger;
  now?: () => Date;
};

type Received = { device: DeviceRecord; receivedAt: Date; topic: string; payload: Uint8Array };

/**
 * What the hub does with a message a device published on its own topics, inside a transaction of
 * the group commit; the broker sends the PUBACK only once that is committed (docs/protocol.md,
 * delivery).
 * Input a device got wrong is rejected with a reason and still acknowledged, so a device never
 * loops on a poison message; only a failure of the store itself throws (and withholds the PUBACK).
 */
export class Ingest {
  readonly #deps: IngestDeps;
  readonly #now: () => Date;
  readonly #identities: EventIdentities;
  #futureTimestamps = 0;
  #duplicates = 0;
  #accepted = 0;
  readonly #lastStamp = new Map<string, number>();
  /** Topics already parsed: a device publishes on a handful, and parsing each again showed under load. */
  readonly #topics = new Map<string, ReturnType<typeof parseDeviceTopic>>();

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#identities = new EventIdentities(deps.db, deps.commits);
  }

  /**
   * Take a message in with the others that arrive with it: one transaction and one fsync for the
   * batch (group commit). `done` comes after the commit that holds the message, when its PUBACK
   * may go; with an error, only when the store failed.
   */
  submit(clientId: string, topic: string, payload: Uint8Array, done: (err?: Error) => void): void {
    this.#deps.commits.submit(() => this.#accept(clientId, topic, payload), done);
  }

  /** Take a message in now, in a transaction of its own; throws only when the store failed. */
  accept(clientId: string, topic: string, payload: Uint8Array): void {
    this.#deps.commits.now(() => this.#accept(clientId, topic, payload));
  }

  #accept(clientId: string, topic: string, payload: Uint8Array): void {
    const problem = this.#handle(topic, payload);
    if (problem) this.#deps.rejections.record({ client: clientId, topic, payload, ...problem });
  }

  /** Handle one message; what is wrong with it, if anything. */
  #handle(topic: string, payload: Uint8Array): { kind: 'topic' | 'payload'; reason: string } | undefined {
    const parsedTopic = this.#parseTopic(topic);
    if (!parsedTopic.ok) return { kind: 'topic', reason: parsedTopic.reason };
    const device = this.#deps.devices.get(parsedTopic.value.device);
    if (!device) return { kind: 'topic', reason: `device "${parsedTopic.value.device}" is not registered` };
    const message = parseDeviceMessage(parsedTopic.value, payload);
    if (!message.ok) return { kind: 'payload', reason: message.reason };
    const received: Received = { device, receivedAt: this.#now(), topic, payload };
    const reason = this.#handlers[message.value.family](received, message.value as never);
    return reason ? { kind: 'payload', reason } : undefined;
  }

  #parseTopic(topic: string): ReturnType<typeof parseDeviceTopic> {
    let parsed = this.#topics.get(topic);
    if (!parsed) {
      parsed = parseDeviceTopic(topic);
      if (this.#topics.size >= MAX_KNOWN_TOPICS) this.#topics.clear();
      this.#topics.set(topic, parsed);
    }
    return parsed;
  }

  stats() {
    return {
      accepted: this.#accepted,
      duplicates: this.#duplicates,
      future_timestamps: this.#futureTimestamps,
    };
  }

  // One handler per topic family; each returns a reason when the message is refused.
  readonly #handlers: {
    [F in DeviceMessage['family']]: (
      r: Received,
      m: Extract<DeviceMessage, { family: F }>,
    ) => string | undefined;
  } = {
    state: (r, m) => this.#onState(r, m.body),
    evt: (r, m) => this.#onEvent(r, m.event),
    telemetry: (r, m) => this.#onTelemetry(r, m.body),
    ack: (r, m) => this.#onAck(r, m.body),
    cmd: () => 'devices do not publish commands; cmd is hub → device',
  };

  #onState({ device }: Received, state: DeviceState): string | undefined {
    const { availability, bus, log, outbox, site, commits } = this.#deps;
    if (state.online) {
      if (state.kind !== device.kind) {
        return `birth says kind "${state.kind}" but "${device.id}" is registered as "${device.kind}"`;
      }
      availability.online(device.id, { boot: state.boot, fw: state.fw });
      outbox.add(devicePoint(site, device, { online: 1 }, this.#now().getTime()));
      commits.afterCommit(() => {
        log.info({ device: device.id, boot: state.boot, fw: state.fw }, 'device online');
        bus.emit('device.online', { device: device.id, kind: state.kind, boot: state.boot, fw: state.fw });
      });
      return undefined;
    }
    // A will from an earlier boot arrives late after a quick restart: the device is online again.
    const currentBoot = availability.bootOf(device.id);
    if (currentBoot !== undefined && state.boot !== currentBoot) {
      log.info({ device: device.id, staleBoot: state.boot, currentBoot }, 'stale will ignored');
      return undefined;
    }
    this.markOffline(device.id, 'will');
    return undefined;
  }

  /**
   * A device's connection closed without a will. Queued behind the messages it sent before, so a
   * birth read in the same chunk as its DISCONNECT is committed first and the device ends offline.
   */
  connectionClosed(id: string): void {
    this.#deps.commits.submit(
      () => this.markOffline(id, 'disconnected'),
      (err) => {
        if (err) this.#deps.log.warn({ err, device: id }, 'could not record a device offline');
      },
    );
  }

  /** Record that a device went offline; called for wills and for connections that simply closed. */
  markOffline(id: string, cause: 'will' | 'disconnected'): void {
    const { availability, devices, bus, log, outbox, site, commits } = this.#deps;
    const device = devices.get(id);
    if (!device || !availability.isOnline(id)) return;
    commits.now(() => {
      availability.offline(id);
      outbox.add(devicePoint(site, device, { online: 0 }, this.#now().getTime()));
      commits.afterCommit(() => {
        log.info({ device: id, cause }, 'device offline');
        bus.emit('device.offline', { device: id, boot: device.boot, cause });
      });
    });
  }

  #onEvent({ device, receivedAt, topic }: Received, event: DeviceEvent): string | undefined {
    const { db, steps, bus, log, commits } = this.#deps;
    const sender = EVENT_SENDERS[event.type];
    if (device.kind !== sender) {
      return `${event.type} events come from a ${sender}; "${device.id}" is registered as a ${device.kind}`;
    }
    const { boot, seq } = event.body;
    if (!this.#identities.claim(device.id, boot, seq)) {
      // Redelivery after a lost PUBACK is normal; the first copy already counts (docs/protocol.md).
      this.#duplicates += 1;
      log.debug({ device: device.id, topic, boot, seq }, 'duplicate event');
      return undefined;
    }
    const time = this.#eventTime(event.body.ts, receivedAt, device.id);
    statement(
      db,
      'INSERT INTO events (device, boot, seq, type, body, received_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(device.id, boot, seq, event.type, JSON.stringify(event.body), receivedAt.toISOString());
    steps.run(event.type, { device, body: event.body, time } as never);
    commits.afterCommit(() => {
      this.#accepted += 1;
      bus.emit('event.accepted', { device: device.id, event, time });
    });
    return undefined;
  }

  #onTelemetry({ device, receivedAt }: Received, telemetry: Telemetry): string | undefined {
    const { outbox, site, devices } = this.#deps;
    const time = this.#eventTime(telemetry.ts, receivedAt, device.id);
    const { ts: _, ...reported } = telemetry;
    devices.noteTelemetry(device.id, reported, time);
    const { uptime_s, battery_mv, rssi_dbm, queue_len } = telemetry;
    outbox.add(devicePoint(site, device, { uptime_s, battery_mv, rssi_dbm, queue_len }, time.getTime()));
    return undefined;
  }

  #onAck({ device, receivedAt }: Received, ack: Ack): string | undefined {
    const { steps, log } = this.#deps;
    log.debug({ device: device.id, command: ack.id, status: ack.status }, 'command ack');
    steps.run('ack', { device, ack, time: this.#eventTime(ack.ts, receivedAt, device.id) });
    return undefined;
  }

  #eventTime(ts: string | undefined, receivedAt: Date, device: string): Date {
    if (ts === undefined) return this.#stamp(device, receivedAt);
    const time = new Date(ts);
    if (time.getTime() - receivedAt.getTime() > FUTURE_TOLERANCE_MS) {
      this.#futureTimestamps += 1;
      this.#deps.log.warn({ device, ts }, 'device clock is ahead; using the receive time');
      return this.#stamp(device, receivedAt);
    }
    return time;
  }

  /**
   * The receive time as an event's time, at least 1 ms after the last one the hub gave this device:
   * a queue drained in one burst arrives within a millisecond, and two points with the same tags and
   * time are one point in InfluxDB (docs/influxdb.md) — the second would overwrite the first.
   */
  #stamp(device: string, receivedAt: Date): Date {
    const ms = Math.max(receivedAt.getTime(), (this.#lastStamp.get(device) ?? 0) + 1);
    this.#lastStamp.set(device, ms);
    return new Date(ms);
  }
}
