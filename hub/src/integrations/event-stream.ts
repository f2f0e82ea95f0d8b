import type { Logger } from 'pino';
import { type HubEventType, hubEventTopic } from '../../../protocol/index.ts';
import type { EventBus } from '../bus.ts';
import type { Outbox, Point } from '../ingest/index.ts';

/** The InfluxDB points that are domain events, and the type each is streamed as. */
const TYPE_OF: Readonly<Record<string, HubEventType>> = {
  rating: 'rating',
  rating_reason: 'rating-reason',
  presence: 'presence',
  device: 'device',
  broadcast: 'broadcast',
};

const OWNER = 'event-stream';

export type EventStreamDeps = {
  site: string;
  outbox: Outbox;
  bus: EventBus;
  publish: (topic: string, body: object) => Promise<void>;
  log: Logger;
};

/**
 * The hub's events for integrators on `…/hub/events/{type}` (docs/protocol.md): each domain fact
 * the hub wrote for InfluxDB (ratings, reasons, presence, devices, broadcasts) and each step of
 * an alert, published once it is durable in the store. It works only while an integration client
 * is connected, so 20,000 ratings a second pay nothing for it when no one listens.
 */
export class EventStream {
  readonly #deps: EventStreamDeps;
  #unwatch: (() => void) | undefined;

  constructor(deps: EventStreamDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#deps.bus.on('alert.changed', OWNER, ({ alert, action }) => {
      if (!this.#unwatch) return;
      const { id, kind, desk, officer, state, raised_at, details } = alert();
      this.#send('alert', {
        time: new Date().toISOString(),
        action,
        id,
        kind,
        desk,
        officer,
        state,
        raised_at,
        details,
      });
    });
  }

  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#deps.bus.removeOwner(OWNER);
  }

  /** How many integration clients are connected (the broker says, whenever it changes). */
  listeners(connected: number): void {
    if (connected > 0 && !this.#unwatch)
      this.#unwatch = this.#deps.outbox.watch((point) => this.#point(point));
    if (connected === 0) {
      this.#unwatch?.();
      this.#unwatch = undefined;
    }
  }

  #point({ measurement, tags, fields, timeMs }: Point): void {
    const type = TYPE_OF[measurement];
    if (type) this.#send(type, { time: new Date(timeMs).toISOString(), ...tags, ...fields });
  }

  #send(type: HubEventType, body: object): void {
    this.#deps
      .publish(hubEventTopic(this.#deps.site, type), body)
      .catch((err: Error) => this.#deps.log.warn({ err, type }, 'could not publish a hub event'));
  }
}
