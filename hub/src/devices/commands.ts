import { randomBytes } from 'node:crypto';
import type { Ack, Command } from '../../../protocol/index.ts';
import { HubError } from '../errors.ts';
import type { IngestSteps } from '../ingest/index.ts';
import type { DeviceRecord } from './registry.ts';

/** The commands a person or a flow may send a device to see it answer (docs/protocol.md). */
export const CHECK_COMMANDS = ['ping', 'rebirth'] as const;
export type CheckCommand = (typeof CHECK_COMMANDS)[number];

/** How a device answered: its ack's status and error, and how long it took. */
export type CommandAnswer = {
  device: string;
  command: string;
  type: CheckCommand;
  status: Ack['status'];
  error?: string;
  answered_ms: number;
};

export type DeviceCommandsDeps = {
  steps: IngestSteps;
  device: (id: string) => DeviceRecord | undefined;
  send: (device: string, command: Command) => Promise<void>;
  now: () => number;
  /** How long a device has to answer; it is online, so a few seconds are plenty. */
  answerWithinMs?: number;
};

const OWNER = 'device-commands';
const ANSWER_WITHIN_MS = 10_000;

/**
 * `ping` and `rebirth` a device on its `cmd` topic and wait for its ack: whether the device hears
 * the hub, end to end, for a technician or a flow. The ack arrives through ingest like any other.
 */
export class DeviceCommands {
  readonly #deps: DeviceCommandsDeps;
  readonly #waiting = new Map<string, (ack: Ack | undefined) => void>();

  constructor(deps: DeviceCommandsDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#deps.steps.on('ack', OWNER, ({ device, ack }) => {
      // Only the final answer counts, from the device asked; `received` may come first.
      if (ack.status !== 'received') this.#waiting.get(`${device.id}/${ack.id}`)?.(ack);
    });
  }

  stop(): void {
    this.#deps.steps.removeOwner(OWNER);
    for (const finish of this.#waiting.values()) finish(undefined);
  }

  /** Send `type` to the device and resolve with its answer; refused at once if it is not online. */
  async send(id: string, type: CheckCommand): Promise<CommandAnswer> {
    const device = this.#deps.device(id);
    if (!device) throw new HubError('TT_DEVICE_UNKNOWN', `"${id}"`);
    if (device.revokedAt !== null || !device.online) {
      throw new HubError('TT_DEVICE_OFFLINE', {
        vi: `"${id}": lệnh ${type} sẽ không tới`,
        en: `"${id}": a ${type} would not reach it`,
      });
    }
    const command = `${type}-${randomBytes(6).toString('hex')}`;
    const sentAt = this.#deps.now();
    const withinMs = this.#deps.answerWithinMs ?? ANSWER_WITHIN_MS;
    const key = `${id}/${command}`;
    const ack = await new Promise<Ack | undefined>((resolve, reject) => {
      const timer = setTimeout(() => finish(undefined), withinMs);
      const finish = (answer: Ack | undefined) => {
        clearTimeout(timer);
        this.#waiting.delete(key);
        resolve(answer);
      };
      this.#waiting.set(key, finish);
      this.#deps.send(id, { id: command, type }).catch((err: Error) => {
        clearTimeout(timer);
        this.#waiting.delete(key);
        reject(err);
      });
    });
    if (!ack) {
      throw new HubError('TT_DEVICE_NO_ANSWER', {
        vi: `"${id}", lệnh ${type}, trong ${withinMs / 1000} giây`,
        en: `"${id}", the ${type}, within ${withinMs / 1000} s`,
      });
    }
    return {
      device: id,
      command,
      type,
      status: ack.status,
      ...(ack.error ? { error: ack.error } : {}),
      answered_ms: this.#deps.now() - sentAt,
    };
  }
}
