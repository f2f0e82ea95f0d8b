import type { Ack, DeviceEvent } from '../../../protocol/index.ts';
import type { DeviceRecord } from '../devices/index.ts';

/** An accepted device event as the domains that act on it receive it. */
export type Accepted<T extends DeviceEvent['type']> = {
  device: DeviceRecord;
  body: Extract<DeviceEvent, { type: T }>['body'];
  /** The event's time: the device's `ts`, or the hub's receive time when the device had none. */
  time: Date;
};

/** Every kind of message a domain may act on, with what it receives. */
export type StepMessages = { [T in DeviceEvent['type']]: Accepted<T> } & {
  /** A device's answer to a command; acks carry no event identity and are not deduplicated. */
  ack: { device: DeviceRecord; ack: Ack; time: Date };
};

type Step<K extends keyof StepMessages> = (message: StepMessages[K]) => void;

/**
 * What each domain does with a device message, registered by the domain and run by ingest inside
 * the transaction that accepts the message, in the order registered. A domain's writes therefore
 * commit with the message's identity or not at all; a step that throws rolls the message back and
 * withholds its PUBACK, so the device sends it again. Ingest stays the door and knows no domain.
 */
export class IngestSteps {
  readonly #steps = new Map<keyof StepMessages, Array<{ owner: string; step: Step<never> }>>();

  on<K extends keyof StepMessages>(kind: K, owner: string, step: Step<K>): void {
    this.#steps.set(kind, [...(this.#steps.get(kind) ?? []), { owner, step: step as Step<never> }]);
  }

  run<K extends keyof StepMessages>(kind: K, message: StepMessages[K]): void {
    for (const { step } of this.#steps.get(kind) ?? []) (step as Step<K>)(message);
  }

  removeOwner(owner: string): void {
    for (const [kind, list] of this.#steps) {
      this.#steps.set(
        kind,
        list.filter((entry) => entry.owner !== owner),
      );
    }
  }
}
