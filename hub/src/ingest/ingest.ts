import type { Logger } from 'pino';
import {
  type Ack,
  type DeviceEvent,
  type DeviceKind,
  type DeviceMessage,
  type DeviceState,
  parseDeviceMessage,
  parseDeviceTopic,
  type RatingEvent,
  type Telemetry,
} from '../../../protocol/index.ts';
import type { Alerts } from '../alerts/index.ts';
import type { EventBus } from '../bus.ts';
import type { DeviceRecord, DeviceRegistry } from '../devices/index.ts';
import type { Presence } from '../presence/index.ts';
import type { MisuseReason, Ratings } from '../ratings/index.ts';
import { type Store, transaction } from '../store/index.ts';
import type { Outbox } from './outbox.ts';
import { devicePoint, eventPoint } from './points.ts';
import type { Rejections } from './rejections.ts';

/** Which kind of device sends each event type: anything else is refused with a reason. */
const EVENT_SENDERS: Record<DeviceEvent['type'], DeviceKind> = {
  rating: 'rating-button',
  'rating-reason': 'rating-button',
  presence: 'presence-sensor',
};

/** A `ts` more than this far in the future is replaced by the receive time (docs/protocol.md, time). */
const FUTURE_TOLERANCE_MS = 60_000;

export type IngestDeps = {
  site: string;
  db: Store;
  devices: DeviceRegistry;
  outbox: Outbox;
  rejections: Rejections;
  bus: EventBus;
  log: Logger;
  /** The official on duty at a desk at a moment, from the site config's roster. */
  officerOnDuty: (desk: string, at: Date) => string | null;
  /** Flags and keeps ratings with their attribution (the ratings domain). */
  ratings: Ratings;
  /** Raises alerts on unsatisfied ratings. */
  alerts: Alerts;
  /** Keeps each desk's presence timeline (the presence domain). */
  presence: Pick<Presence, 'report'>;
  now?: () => Date;
};

type Received = { device: DeviceRecord; receivedAt: Date; topic: string; payload: Uint8Array };

/**
 * What the hub does with a message a device published on its own topics. It runs before the
 * broker sends the PUBACK, so when `accept` returns the message is durable (docs/protocol.md, delivery).
 * Input a device got wrong is rejected with a reason and still acknowledged, so a device never
 * loops on a poison message; only a failure of the store itself throws (and withholds the PUBACK).
 */
export class Ingest {
  readonly #deps: IngestDeps;
  readonly #now: () => Date;
  #futureTimestamps = 0;
  #duplicates = 0;
  #accepted = 0;
  readonly #lastStamp = new Map<string, number>();

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  accept(clientId: string, topic: string, payload: Uint8Array): void {
    const problem = this.#handle(topic, payload);
    if (problem) this.#deps.rejections.record({ client: clientId, topic, payload, ...problem });
  }

  /** Handle one message; what is wrong with it, if anything. */
  #handle(topic: string, payload: Uint8Array): { kind: 'topic' | 'payload'; reason: string } | undefined {
    const parsedTopic = parseDeviceTopic(topic);
    if (!parsedTopic.ok) return { kind: 'topic', reason: parsedTopic.reason };
    const device = this.#deps.devices.get(parsedTopic.value.device);
    if (!device) return { kind: 'topic', reason: `device "${parsedTopic.value.device}" is not registered` };
    const message = parseDeviceMessage(parsedTopic.value, payload);
    if (!message.ok) return { kind: 'payload', reason: message.reason };
    const received: Received = { device, receivedAt: this.#now(), topic, payload };
    const reason = this.#handlers[message.value.family](received, message.value as never);
    return reason ? { kind: 'payload', reason } : undefined;
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
    const { devices, bus, log, outbox, site, db } = this.#deps;
    if (state.online) {
      if (state.kind !== device.kind) {
        return `birth says kind "${state.kind}" but "${device.id}" is registered as "${device.kind}"`;
      }
      transaction(db, () => {
        devices.markOnline(device.id, { boot: state.boot, fw: state.fw });
        outbox.add(devicePoint(site, device, { online: 1 }, this.#now().getTime()));
      });
      log.info({ device: device.id, boot: state.boot, fw: state.fw }, 'device online');
      bus.emit('device.online', { device: device.id, kind: state.kind, boot: state.boot, fw: state.fw });
      return undefined;
    }
    // A will from an earlier boot arrives late after a quick restart: the device is online again.
    if (device.boot !== null && state.boot !== device.boot) {
      log.info({ device: device.id, staleBoot: state.boot, currentBoot: device.boot }, 'stale will ignored');
      return undefined;
    }
    this.markOffline(device.id, 'will');
    return undefined;
  }

  /** Record that a device went offline; called for wills and for connections that simply closed. */
  markOffline(id: string, cause: 'will' | 'disconnected'): void {
    const { devices, bus, log, outbox, site, db } = this.#deps;
    const device = devices.get(id);
    if (!device?.online) return;
    transaction(db, () => {
      devices.markOffline(id);
      outbox.add(devicePoint(site, device, { online: 0 }, this.#now().getTime()));
    });
    log.info({ device: id, cause }, 'device offline');
    bus.emit('device.offline', { device: id, boot: device.boot, cause });
  }

  #onEvent({ device, receivedAt, topic }: Received, event: DeviceEvent): string | undefined {
    const { db, outbox, bus, log, site, officerOnDuty, presence } = this.#deps;
    const sender = EVENT_SENDERS[event.type];
    if (device.kind !== sender) {
      return `${event.type} events come from a ${sender}; "${device.id}" is registered as a ${device.kind}`;
    }
    const time = this.#eventTime(event.body.ts, receivedAt, device.id);
    const officer = device.desk ? officerOnDuty(device.desk, time) : null;
    const fresh = transaction(db, () => {
      const inserted = db
        .prepare(
          'INSERT OR IGNORE INTO events (device, boot, seq, type, body, received_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          device.id,
          event.body.boot,
          event.body.seq,
          event.type,
          JSON.stringify(event.body),
          receivedAt.toISOString(),
        );
      if (inserted.changes === 0) return false;
      const misuse = event.type === 'rating' ? this.#recordRating(device, event.body, time, officer) : [];
      if (event.type === 'presence' && device.desk) {
        presence.report(device.desk, device.id, time.getTime(), event.body.present);
      }
      outbox.add(eventPoint(event, device, { site, officer, misuse }, time.getTime()));
      return true;
    });
    if (!fresh) {
      // Redelivery after a lost PUBACK is normal; the first copy already counts (docs/protocol.md).
      this.#duplicates += 1;
      log.debug({ device: device.id, topic, boot: event.body.boot, seq: event.body.seq }, 'duplicate event');
      return undefined;
    }
    this.#accepted += 1;
    bus.emit('event.accepted', { device: device.id, event, time });
    return undefined;
  }

  /** Flag and keep a rating, and raise its alerts, inside the event's transaction. */
  #recordRating(
    device: DeviceRecord,
    rating: RatingEvent,
    time: Date,
    officer: string | null,
  ): MisuseReason[] {
    const { ratings, alerts } = this.#deps;
    const counted = {
      device: device.id,
      boot: rating.boot,
      seq: rating.seq,
      timeMs: time.getTime(),
      desk: device.desk ?? 'none',
      officer: officer ?? 'none',
      score: rating.score,
      scale: rating.scale,
    };
    const { misuse, unsatisfied } = ratings.record(counted);
    if (misuse.length === 0) {
      const window = ratings.window(counted.desk, counted.timeMs - alerts.windowMs, counted.timeMs);
      alerts.onCountedRating({ ...counted, unsatisfied }, window);
    }
    return misuse;
  }

  #onTelemetry({ device, receivedAt }: Received, telemetry: Telemetry): string | undefined {
    const { outbox, site } = this.#deps;
    const time = this.#eventTime(telemetry.ts, receivedAt, device.id);
    const { uptime_s, battery_mv, rssi_dbm, queue_len } = telemetry;
    outbox.add(devicePoint(site, device, { uptime_s, battery_mv, rssi_dbm, queue_len }, time.getTime()));
    return undefined;
  }

  #onAck({ device }: Received, ack: Ack): string | undefined {
    // Broadcast scheduling consumes acks; until then they are only logged.
    this.#deps.log.debug({ device: device.id, command: ack.id, status: ack.status }, 'command ack');
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
