import type { Logger } from 'pino';
import type { DeviceEvent, DeviceKind } from '../../protocol/index.ts';
import type { Alert, AlertAction } from './alerts/index.ts';

/** Every event that crosses from one domain to another, declared in one place. */
export type HubEvents = {
  'device.online': { device: string; kind: DeviceKind; boot: string; fw: string };
  'device.offline': { device: string; boot: string | null; cause: 'will' | 'disconnected' | 'stopped' };
  'event.accepted': { device: string; event: DeviceEvent; time: Date };
  /** A desk's presence or its alerts changed: the live desk board refreshes. */
  'desk.changed': { desk: string };
  'message.rejected': { client: string | null; kind: RejectionKind; topic: string | null; reason: string };
  /**
   * An alert was raised, cleared, acknowledged, commented or resolved; durable. `alert` reads it
   * from the store when a listener needs it: under a burst every unsatisfied rating raises one.
   */
  'alert.changed': { action: AlertAction; alert: () => Alert };
};

export type RejectionKind = 'auth' | 'acl-publish' | 'acl-subscribe' | 'topic' | 'payload';

type Listener<K extends keyof HubEvents> = (payload: HubEvents[K]) => void;

/**
 * The typed event bus between domains. Every listener has an owner so that a feature removes all
 * of its listeners on stop; a listener that throws is logged and never breaks the emitter.
 */
export class EventBus {
  readonly #listeners = new Map<keyof HubEvents, Array<{ owner: string; listener: Listener<never> }>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  on<K extends keyof HubEvents>(event: K, owner: string, listener: Listener<K>): void {
    const list = this.#listeners.get(event) ?? [];
    list.push({ owner, listener: listener as Listener<never> });
    this.#listeners.set(event, list);
  }

  emit<K extends keyof HubEvents>(event: K, payload: HubEvents[K]): void {
    for (const { owner, listener } of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<K>)(payload);
      } catch (err) {
        this.#log.error({ err, event, owner }, 'bus listener failed');
      }
    }
  }

  removeOwner(owner: string): void {
    for (const [event, list] of this.#listeners) {
      this.#listeners.set(
        event,
        list.filter((entry) => entry.owner !== owner),
      );
    }
  }
}
