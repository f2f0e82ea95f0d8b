import { createHash } from 'node:crypto';
import { DeviceLink, type DeviceLinkOptions, isoWithOffset } from '../../firmware/src/link/index.ts';
import { decideStart } from '../../firmware/src/speaker/start-rule.ts';
import type { Asset, Command, RATING_REASONS, RatingScale } from '../../protocol/index.ts';

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
/** A play the node holds: waiting for its start_at (or its download), then on air. */
type Play = { command: PlayCommand; started: boolean; cancel?: () => void };

/** Run `then` when the node's clock reads `atMs`; the answer cancels it. */
export type SpeakerTimer = (atMs: number, then: () => void) => () => void;

/** What can go wrong with a simulated speaker, for tests and demos. */
export type SpeakerFaults = {
  /** Every download arrives with a byte flipped, as a corrupted transfer would, and fails its check. */
  badDownload?: boolean;
  /**
   * The node's clock runs this far from the true time. Beyond a second it knows it is not
   * synchronised (as chrony would say) and refuses timed plays, as docs/protocol.md asks.
   */
  clockDriftMs?: number;
};

/** How far a node's clock may be off and still count as synchronised. */
const SYNCED_WITHIN_MS = 1000;

/**
 * A village loudspeaker node: answers every command with the acks of docs/protocol.md. It keeps
 * the plays it received ahead and airs each at its `start_at` by its own clock, so it keeps its
 * schedule while the hub is away. It downloads and verifies assets for real, with its device
 * credentials; "playing" is a timer as long as what is left of the content.
 */
export class SimSpeaker extends SimDevice {
  volume = 70;
  readonly #clock: () => Date;
  readonly #timer: SpeakerTimer;
  readonly #clockSynced: () => boolean;
  readonly #driftMs: number;
  readonly #faults: SpeakerFaults;
  readonly #credentials: string;
  /** sha256 of every asset downloaded and verified. */
  readonly #prepared = new Set<string>();
  /** Plays received and not yet ended, by command id. */
  readonly #plays = new Map<string, Play>();
  #onAir: Play | undefined;

  /**
   * `speed`: how much faster than real time `clock` runs (a demo's compressed day), which the
   * node's waits divide by; `timer`: how it waits instead (a test's clock that it moves itself).
   */
  constructor(options: SimOptions & { speed?: number; timer?: SpeakerTimer; faults?: SpeakerFaults }) {
    const { speed = 1, timer, faults, ...link } = options;
    const trueClock = options.clock ?? (() => new Date());
    const driftMs = faults?.clockDriftMs ?? 0;
    const clock = () => new Date(trueClock().getTime() + driftMs);
    const synced = options.clockSynced ?? (() => true);
    const clockSynced = () => synced() && Math.abs(driftMs) <= SYNCED_WITHIN_MS;
    super('speaker', { ...link, clock, clockSynced });
    this.#clock = clock;
    this.#clockSynced = clockSynced;
    this.#driftMs = driftMs;
    this.#timer =
      timer ??
      ((atMs, then) => {
        const handle = setTimeout(then, Math.max(0, (atMs - this.#clock().getTime()) / speed));
        return () => clearTimeout(handle);
      });
    this.#faults = faults ?? {};
    this.#credentials = `Basic ${Buffer.from(`${options.id}:${options.secret}`).toString('base64')}`;
    this.link.onCommand((command) => this.#handle(command));
  }

  /** The program on air, if any. */
  get playing(): string | undefined {
    return this.#onAir?.command.program;
  }

  /** A power cut: sound stops and what the node held is lost; it says nothing more. */
  override stop(): Promise<void> {
    for (const play of this.#plays.values()) play.cancel?.();
    this.#plays.clear();
    this.#onAir = undefined;
    return super.stop();
  }

  protected override extraTelemetry(): Record<string, unknown> {
    return {
      volume: this.volume,
      audio: this.#onAir ? this.#onAir.command.program.slice(0, 32) : 'idle',
      clock_synced: this.#clockSynced(),
      clock_offset_ms: this.#driftMs,
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
      case 'stop': {
        const stops = (play: Play) =>
          command.play
            ? play.command.id === command.play
            : command.program
              ? play.command.program === command.program
              : play === this.#onAir;
        for (const play of [...this.#plays.values()]) if (stops(play)) this.#end(play, 'stopped');
        return ack({ id: command.id, status: 'done' });
      }
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
        return this.#receive(command);
    }
  }

  async #receive(command: PlayCommand): Promise<void> {
    // The hub sends its plays again after a reconnect: one already held is kept as it is.
    if (this.#plays.has(command.id)) return;
    if (!this.#clockSynced()) {
      this.link.ack({ id: command.id, status: 'rejected', error: 'clock not synchronised' });
      return;
    }
    const play: Play = { command, started: false };
    this.#plays.set(command.id, play);
    this.link.ack({ id: command.id, status: 'received' });
    // A play whose asset was never prepared downloads it now, as a real node would.
    const problem = command.asset ? await this.#fetch(command.asset) : undefined;
    if (this.#plays.get(command.id) !== play) return; // stopped while downloading: already acked
    if (problem) {
      this.#plays.delete(command.id);
      this.link.ack({ id: command.id, status: 'failed', error: problem });
      return;
    }
    this.#at(play, Date.parse(command.start_at), () => this.#start(play));
  }

  /**
   * At its start_at: a higher or equal tier preempts what is on air; a lower tier is refused while
   * a higher one plays, unless that one ends by then. It joins at its offset plus however late it is.
   */
  #start(play: Play): void {
    const { command } = play;
    const current = this.#onAir;
    const decision = decideStart(command, current?.command, this.#clock().getTime());
    if (!decision.start) {
      this.#plays.delete(command.id);
      this.link.ack({ id: command.id, status: 'rejected', error: decision.error });
      return;
    }
    if (current) this.#end(current, decision.current!);
    this.#onAir = play;
    play.started = true;
    this.volume = command.volume;
    this.link.ack({ id: command.id, status: 'playing', started_at: isoWithOffset(this.#clock()) });
    this.#at(play, decision.endMs, () => this.#end(play, 'done'));
  }

  #at(play: Play, atMs: number, then: () => void): void {
    play.cancel?.();
    play.cancel = this.#timer(atMs, then);
  }

  #end(play: Play, status: 'done' | 'stopped'): void {
    play.cancel?.();
    this.#plays.delete(play.command.id);
    if (this.#onAir === play) this.#onAir = undefined;
    this.link.ack({ id: play.command.id, status });
  }

  async #fetch(asset: Asset): Promise<string | undefined> {
    if (this.#prepared.has(asset.sha256)) return undefined;
    const problem = await fetchAndVerify(asset, this.#credentials, this.#faults.badDownload);
    if (!problem) this.#prepared.add(asset.sha256);
    return problem;
  }
}

const DOWNLOAD_TIMEOUT_MS = 60_000;

/** Download an asset with the device's credentials and check its size and SHA-256; the reason when it does not match. */
async function fetchAndVerify(
  asset: Asset,
  authorization: string,
  corrupt = false,
): Promise<string | undefined> {
  try {
    const response = await fetch(asset.url, {
      headers: { authorization },
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
    if (!response.ok) return `download failed: HTTP ${response.status}`;
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (corrupt && bytes.length > 0) bytes[0]! ^= 0xff; // a transfer that went wrong
    if (bytes.byteLength !== asset.bytes) return `size ${bytes.byteLength} bytes, expected ${asset.bytes}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return sha256 === asset.sha256 ? undefined : `sha256 ${sha256} does not match`;
  } catch (err) {
    return `download failed: ${(err as Error).message}`;
  }
}
