import { createHash } from 'node:crypto';
import { DeviceLink, type DeviceLinkOptions, isoWithOffset } from '../../firmware/src/link/index.ts';
import {
  type Asset,
  type Command,
  PRIORITIES,
  type Priority,
  type RATING_REASONS,
  type RatingScale,
} from '../../protocol/index.ts';

export type { DeviceLinkOptions };

/** A device link's options (the kind comes from the simulated device) and what the simulator adds. */
export type SimOptions = Omit<DeviceLinkOptions, 'kind'> & {
  /** Send telemetry this often while connected; none when unset. */
  telemetryEveryS?: number;
};

/** What every simulated device shares: a real device link, started and stopped with it. */
abstract class SimDevice {
  readonly link: DeviceLink;
  readonly #telemetryEveryS: number | undefined;
  #telemetry: NodeJS.Timeout | undefined;
  #startedAt = 0;

  constructor(kind: DeviceLinkOptions['kind'], options: SimOptions) {
    const { telemetryEveryS, ...link } = options;
    this.link = new DeviceLink({ ...link, kind });
    this.#telemetryEveryS = telemetryEveryS;
  }

  start(): void {
    this.#startedAt = Date.now();
    this.link.start();
    if (this.#telemetryEveryS && !this.#telemetry) {
      this.#telemetry = setInterval(() => this.sendTelemetry(), this.#telemetryEveryS * 1000);
      this.#telemetry.unref();
    }
  }

  stop(): Promise<void> {
    clearInterval(this.#telemetry);
    this.#telemetry = undefined;
    return this.link.stop();
  }

  /** QoS 0 and only while connected (docs/protocol.md); a device adds what it knows about itself. */
  sendTelemetry(): void {
    this.link.telemetry({
      uptime_s: Math.floor((Date.now() - this.#startedAt) / 1000),
      queue_len: this.link.queueLength,
      ...this.extraTelemetry(),
    });
  }

  protected extraTelemetry(): Record<string, unknown> {
    return {};
  }
}

/** A rating box at a desk: a press is a rating; after an unsatisfied one, optionally a reason. */
export class SimRatingButton extends SimDevice {
  readonly scale: RatingScale;

  /** `scale` is the site's (3, 4 or 5; docs/protocol.md, ratings), 4 unless told. */
  constructor(options: SimOptions & { scale?: RatingScale }) {
    const { scale, ...link } = options;
    super('rating-button', link);
    this.scale = scale ?? 4;
  }

  /** A citizen presses `score` (1 the worst); returns the event with its boot and seq. */
  press(score: number, scale: RatingScale = this.scale) {
    return this.link.record('rating', { score, scale });
  }

  /** The reason for an unsatisfied rating; `ref` is that rating's seq. */
  reason(ref: number, reason: (typeof RATING_REASONS)[number]) {
    return this.link.record('rating-reason', { ref, reason });
  }
}

/** A desk's presence sensor: sends transitions, and its current state after each (re)connect. */
export class SimPresenceSensor extends SimDevice {
  #present = false;

  constructor(options: SimOptions & { present?: boolean }) {
    const { present, ...link } = options;
    super('presence-sensor', link);
    this.#present = present ?? false;
    // docs/protocol.md, presence: the current state after each (re)connect, so the hub never guesses.
    this.link.on('connected', () => this.link.record('presence', { present: this.#present }));
  }

  get present(): boolean {
    return this.#present;
  }

  /** A transition (after the sensor's own hold time); the same state again sends nothing. */
  set(present: boolean): void {
    if (present === this.#present) return;
    this.#present = present;
    this.link.record('presence', { present });
  }
}

type PlayCommand = Extract<Command, { type: 'play' }>;
type Playing = {
  command: string;
  program: string;
  priority: Priority;
  started: boolean;
  timer?: NodeJS.Timeout;
};

/**
 * A village loudspeaker node: answers every command with the acks of docs/protocol.md.
 * It downloads and verifies assets for real; "playing" is a timer as long as the asset.
 */
export class SimSpeaker extends SimDevice {
  volume = 70;
  readonly #clock: () => Date;
  /** sha256 of every asset downloaded and verified. */
  readonly #prepared = new Set<string>();
  #playing: Playing | undefined;

  constructor(options: SimOptions) {
    super('speaker', options);
    this.#clock = options.clock ?? (() => new Date());
    this.link.onCommand((command) => this.#handle(command));
  }

  /** The program on air (or waiting for its start_at), if any. */
  get playing(): string | undefined {
    return this.#playing?.program;
  }

  override stop(): Promise<void> {
    this.#end('stopped');
    return super.stop();
  }

  protected override extraTelemetry(): Record<string, unknown> {
    return {
      volume: this.volume,
      audio: this.#playing?.started ? this.#playing.program.slice(0, 32) : 'idle',
    };
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
        const problem = await this.#fetch(command.asset);
        return ack(
          problem
            ? { id: command.id, status: 'failed', error: problem }
            : { id: command.id, status: 'ready' },
        );
      }
      case 'play':
        return this.#play(command);
    }
  }

  async #play(command: PlayCommand): Promise<void> {
    const current = this.#playing;
    // A higher tier preempts a lower one on the node, the same tier replaces it, and a lower tier
    // while a higher one plays is rejected (docs/protocol.md).
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
    const playing: Playing = {
      command: command.id,
      program: command.program,
      priority: command.priority,
      started: false,
    };
    this.#playing = playing;
    // A play whose asset was never prepared downloads it now, as a real node would.
    const problem = await this.#fetch(command.asset);
    if (this.#playing !== playing) return; // preempted or stopped while downloading: already acked
    if (problem) {
      this.#playing = undefined;
      this.link.ack({ id: command.id, status: 'failed', error: problem });
      return;
    }
    const startIn = Math.max(0, Date.parse(command.start_at) - this.#clock().getTime());
    const lengthMs = Math.max(0, (command.asset.duration_s - command.offset_s) * 1000);
    playing.timer = setTimeout(() => {
      playing.started = true;
      this.volume = command.volume;
      this.link.ack({ id: command.id, status: 'playing', started_at: isoWithOffset(this.#clock()) });
      playing.timer = setTimeout(() => this.#end('done'), lengthMs);
    }, startIn);
  }

  #end(status: 'done' | 'stopped'): void {
    const playing = this.#playing;
    if (!playing) return;
    this.#playing = undefined;
    clearTimeout(playing.timer);
    this.link.ack({ id: playing.command, status });
  }

  async #fetch(asset: Asset): Promise<string | undefined> {
    if (this.#prepared.has(asset.sha256)) return undefined;
    const problem = await fetchAndVerify(asset);
    if (!problem) this.#prepared.add(asset.sha256);
    return problem;
  }
}

const rank = (priority: Priority) => PRIORITIES.indexOf(priority);

const DOWNLOAD_TIMEOUT_MS = 60_000;

/** Download an asset and check its size and SHA-256; the reason when it does not match. */
async function fetchAndVerify(asset: Asset): Promise<string | undefined> {
  try {
    const response = await fetch(asset.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) return `download failed: HTTP ${response.status}`;
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength !== asset.bytes) return `size ${bytes.byteLength} bytes, expected ${asset.bytes}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return sha256 === asset.sha256 ? undefined : `sha256 ${sha256} does not match`;
  } catch (err) {
    return `download failed: ${(err as Error).message}`;
  }
}
