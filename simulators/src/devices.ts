import { createHash } from 'node:crypto';
import { DeviceLink, type DeviceLinkOptions } from '../../firmware/src/link/index.ts';
import type { Asset, Command, Priority, RatingScale } from '../../protocol/index.ts';
import { PRIORITIES } from '../../protocol/index.ts';

export type { DeviceLinkOptions };

type SimOptions = Omit<DeviceLinkOptions, 'kind'>;

/** What every simulated device shares: a real device link, started and stopped with it. */
abstract class SimDevice {
  readonly link: DeviceLink;

  constructor(link: DeviceLink) {
    this.link = link;
  }

  start(): void {
    this.link.start();
  }

  stop(): Promise<void> {
    return this.link.stop();
  }
}

/** A rating box at a desk: a press is a rating; after an unsatisfied one, optionally a reason. */
export class SimRatingButton extends SimDevice {
  constructor(options: SimOptions) {
    super(new DeviceLink({ ...options, kind: 'rating-button' }));
  }

  press(score: number, scale: RatingScale) {
    return this.link.record('rating', { score, scale });
  }

  reason(ref: number, reason: 'attitude' | 'waiting' | 'paperwork' | 'trips' | 'other') {
    return this.link.record('rating-reason', { ref, reason });
  }
}

/** A desk's presence sensor: sends transitions, and its current state after each (re)connect. */
export class SimPresenceSensor extends SimDevice {
  #present = false;

  constructor(options: SimOptions) {
    super(new DeviceLink({ ...options, kind: 'presence-sensor' }));
    this.link.on('connected', () => this.link.record('presence', { present: this.#present }));
  }

  get present(): boolean {
    return this.#present;
  }

  set(present: boolean): void {
    if (present === this.#present) return;
    this.#present = present;
    this.link.record('presence', { present });
  }
}

type Playing = { command: string; program: string; priority: Priority; timers: NodeJS.Timeout[] };

/**
 * A village loudspeaker node: answers every command with the acks of DESIGN §4. It downloads and
 * verifies assets for real; "playing" is a timer as long as the asset.
 */
export class SimSpeaker extends SimDevice {
  volume = 70;
  readonly #prepared = new Set<string>();
  #playing: Playing | undefined;

  constructor(options: SimOptions) {
    super(new DeviceLink({ ...options, kind: 'speaker' }));
    this.link.on('command', (command) => void this.#handle(command));
  }

  get playing(): string | undefined {
    return this.#playing?.program;
  }

  override stop(): Promise<void> {
    this.#end('stopped');
    return super.stop();
  }

  async #handle(command: Command): Promise<void> {
    const ack = this.link.ack.bind(this.link);
    switch (command.type) {
      case 'ping':
        return ack({ id: command.id, status: 'done' });
      case 'rebirth':
        this.link.rebirth();
        return ack({ id: command.id, status: 'done' });
      case 'volume':
        this.volume = command.volume;
        return ack({ id: command.id, status: 'done' });
      case 'stop':
        if (!command.program || command.program === this.#playing?.program) this.#end('stopped');
        return ack({ id: command.id, status: 'done' });
      case 'prepare': {
        ack({ id: command.id, status: 'received' });
        const problem = await fetchAndVerify(command.asset);
        if (problem) return ack({ id: command.id, status: 'failed', error: problem });
        this.#prepared.add(command.asset.sha256);
        return ack({ id: command.id, status: 'ready' });
      }
      case 'play':
        return this.#play(command);
    }
  }

  #play(command: Extract<Command, { type: 'play' }>): void {
    const current = this.#playing;
    // A higher tier preempts a lower one on the node (DESIGN §4); the same tier replaces it.
    if (current && rank(command.priority) < rank(current.priority)) {
      this.link.ack({
        id: command.id,
        status: 'rejected',
        error: `playing ${current.priority} program ${current.program}`,
      });
      return;
    }
    this.link.ack({ id: command.id, status: 'received' });
    this.#end('stopped');
    const startIn = Math.max(0, Date.parse(command.start_at) - Date.now());
    const lengthMs = Math.max(0, (command.asset.duration_s - command.offset_s) * 1000);
    const playing: Playing = {
      command: command.id,
      program: command.program,
      priority: command.priority,
      timers: [],
    };
    playing.timers.push(
      setTimeout(() => {
        this.link.ack({ id: command.id, status: 'playing', started_at: new Date().toISOString() });
        playing.timers.push(setTimeout(() => this.#end('done'), lengthMs));
      }, startIn),
    );
    this.#playing = playing;
  }

  #end(status: 'done' | 'stopped'): void {
    const playing = this.#playing;
    if (!playing) return;
    this.#playing = undefined;
    for (const timer of playing.timers) clearTimeout(timer);
    this.link.ack({ id: playing.command, status });
  }
}

const rank = (priority: Priority) => PRIORITIES.indexOf(priority);

/** Download an asset and check its size and SHA-256; the reason when it does not match. */
async function fetchAndVerify(asset: Asset): Promise<string | undefined> {
  try {
    const response = await fetch(asset.url);
    if (!response.ok) return `download failed: HTTP ${response.status}`;
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength !== asset.bytes) return `size ${bytes.byteLength} bytes, expected ${asset.bytes}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return sha256 === asset.sha256 ? undefined : `sha256 ${sha256} does not match`;
  } catch (err) {
    return `download failed: ${(err as Error).message}`;
  }
}
