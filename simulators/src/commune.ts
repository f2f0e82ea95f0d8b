import { once } from 'node:events';
import type { DeviceKind, RatingScale } from '../../protocol/index.ts';
import { type DeviceLinkOptions, SimPresenceSensor, SimRatingButton, SimSpeaker } from './devices.ts';

/** A simulated device's identity, as `thanthien device add --json` prints it. */
export type SimDeviceSpec = {
  id: string;
  secret: string;
  kind: DeviceKind;
  desk?: string | null;
  zone?: string | null;
};

export type Progress = { devices: number; online: number; events: number; acked: number; queued: number };

type Sim = SimRatingButton | SimPresenceSensor | SimSpeaker;

export type DeskDevices = { button?: SimRatingButton; sensor?: SimPresenceSensor };

/**
 * A commune's worth of virtual devices over real MQTT: a rating box and a presence sensor per
 * desk, a loudspeaker per zone. Each speaks protocol v1 through the same device link as firmware.
 */
export class SimulatedCommune {
  readonly buttons: SimRatingButton[] = [];
  readonly sensors: SimPresenceSensor[] = [];
  readonly speakers: SimSpeaker[] = [];
  readonly #all: Sim[] = [];
  readonly #desks = new Map<string, DeskDevices>();
  #acked = 0;

  constructor(options: {
    url: string;
    site: string;
    devices: readonly SimDeviceSpec[];
    fw?: string;
    /** The devices' clock, for their `ts` (the demo plays an office day on its own); the wall clock unless told. */
    clock?: () => Date;
    /** How much faster than real time that clock runs: the speakers' waits divide by it. */
    speed?: number;
  }) {
    for (const spec of options.devices) {
      const link: DeviceLinkOptions = {
        url: options.url,
        site: options.site,
        id: spec.id,
        secret: spec.secret,
        kind: spec.kind,
        fw: options.fw ?? 'sim-1.0.0',
        clock: options.clock,
      };
      const sim =
        spec.kind === 'rating-button'
          ? new SimRatingButton(link)
          : spec.kind === 'presence-sensor'
            ? new SimPresenceSensor(link)
            : new SimSpeaker({ ...link, speed: options.speed });
      if (sim instanceof SimRatingButton) this.buttons.push(sim);
      else if (sim instanceof SimPresenceSensor) this.sensors.push(sim);
      else this.speakers.push(sim);
      if (spec.desk && !(sim instanceof SimSpeaker)) {
        const desk = this.#desks.get(spec.desk) ?? {};
        if (sim instanceof SimRatingButton) desk.button = sim;
        else desk.sensor = sim;
        this.#desks.set(spec.desk, desk);
      }
      sim.link.on('acked', () => (this.#acked += 1));
      this.#all.push(sim);
    }
  }

  get devices(): readonly Sim[] {
    return this.#all;
  }

  /** Each desk's rating box and presence sensor, for a driver that scripts desks one by one (the demo). */
  get desks(): ReadonlyMap<string, DeskDevices> {
    return this.#desks;
  }

  /** Start every device; each connects (and reconnects) on its own. */
  start(): void {
    for (const sim of this.#all) sim.start();
  }

  /** Resolves once every device is connected, or after `timeoutMs`: one that is not keeps trying on its own. */
  async connected(timeoutMs: number): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    const waits = this.#all
      .filter((sim) => !sim.link.connected)
      .map((sim) => once(sim.link, 'connected', { signal }));
    await Promise.all(waits).catch(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#all.map((sim) => sim.stop()));
  }

  /** Cut every connection without a DISCONNECT, as a power cut or Wi-Fi loss would: wills fire. */
  cutAll(): void {
    for (const sim of this.#all) sim.link.cut();
  }

  reconnectAll(): void {
    for (const sim of this.#all) sim.link.reconnect();
  }

  /** One second of office life: each button is pressed with probability rate/60. */
  tick(ratePerDeskPerMin: number, scale: RatingScale, random: () => number = Math.random): void {
    for (const button of this.buttons) {
      if (random() >= ratePerDeskPerMin / 60) continue;
      const score = pickScore(scale, random);
      const rating = button.press(score, scale);
      if (score === 1 && random() < 0.5) button.reason(rating.seq, 'waiting');
    }
    for (const sensor of this.sensors) {
      // Officials step away now and then: about one change per desk every ten minutes.
      if (random() < 1 / 600) sensor.set(!sensor.present);
    }
  }

  progress(): Progress {
    return {
      devices: this.#all.length,
      online: this.#all.filter((sim) => sim.link.connected).length,
      events: this.#all.reduce((n, sim) => n + sim.link.recorded, 0),
      acked: this.#acked,
      queued: this.#all.reduce((n, sim) => n + sim.link.queueLength, 0),
    };
  }
}

/** Mostly satisfied citizens, a few unsatisfied: a plausible spread for demos and load. */
export function pickScore(scale: RatingScale, random: () => number): number {
  const r = random();
  if (r < 0.08) return 1;
  if (r < 0.2) return Math.min(2, scale);
  return scale - Math.floor(random() * 2);
}

export type RunOptions = {
  url: string;
  site: string;
  scale: RatingScale;
  devices: readonly SimDeviceSpec[];
  ratePerDeskPerMin: number;
  durationS: number;
  signal?: AbortSignal;
  onProgress: (progress: Progress, secondsLeft: number) => void;
};

/** Run a simulated commune for `durationS` seconds (or until aborted), reporting each second. */
export async function runCommune(options: RunOptions): Promise<Progress> {
  const commune = new SimulatedCommune(options);
  commune.start();
  const startedAt = Date.now();
  for (const sensor of commune.sensors) sensor.set(true);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (Date.now() - startedAt) / 1000;
      if (options.signal?.aborted || elapsed >= options.durationS) {
        clearInterval(timer);
        resolve();
        return;
      }
      commune.tick(options.ratePerDeskPerMin, options.scale);
      options.onProgress(commune.progress(), Math.max(0, Math.round(options.durationS - elapsed)));
    }, 1000);
  });
  // Give queued events a moment to reach the hub before the devices go offline.
  const drainUntil = Date.now() + 10_000;
  while (commune.progress().queued > 0 && Date.now() < drainUntil)
    await new Promise((r) => setTimeout(r, 100));
  await commune.stop();
  return commune.progress();
}
