// The load every ingest bench puts on a broker: the same boxes, topics, ratings and pacing, so the
// hub and its peer are measured under exactly the same publishers.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BOXES = 20;
/**
 * Ratings in a full-speed run (BENCH_EVENTS): 100,000 is five seconds at 20,000/s, long enough
 * that the hub's warm-up (its code is compiled as it runs) does not set the figure.
 */
export const RATINGS = Number(process.env.BENCH_EVENTS ?? 100_000);
/** Monday 16/11/2026 07:30 in Hà Nội, when the office opens: the first press of every box. */
export const T0 = Date.UTC(2026, 10, 16, 0, 30);

/** A box's connection as the load uses it: mqtt.js or the bench's lean `Publisher`. */
export type Publishes = {
  publishAsync(topic: string, payload: string, options: { qos: 1 }): Promise<unknown>;
};

/** How many ratings each box publishes, how many it keeps in flight, and at what pace. */
export type BoxLoad = {
  perBox: number;
  /** Ratings each box has waiting for their PUBACK. */
  inflight: number;
  /** Publish at this steady rate over all boxes (ratings/s); as fast as PUBACKs allow without. */
  ratePerS?: number;
};

/**
 * The boxes' CPU priority, a nice value (BENCH_BOX_NICE). In a commune the boxes are boards of
 * their own and cost the Pi nothing; here they share two cores with the hub and influxd, and at
 * the same priority the hub's event loop waited behind them for a core (docs/benchmarks.md).
 * 10 lets them take what the servers leave; 0 puts them beside the servers as equals.
 */
export const BOX_NICE = Number(process.env.BENCH_BOX_NICE ?? 10);

export type BoxesData = {
  port: number;
  site: string;
  boxes: ReadonlyArray<{ id: string; secret: string }>;
};

type FromBoxes = { ready?: true; half?: true; done?: true; error?: string };

/**
 * The rating boxes in a process of their own at `BOX_NICE` (bench/boxes-process.ts), each a lean
 * QoS 1 publisher (bench/publisher.ts) with its own credentials; the same for the hub and its
 * peer. A process, not a thread: a thread's garbage collection runs on its process's helper
 * threads, and those of the bench also serve the hubs that other benches run in-process.
 */
export class Boxes {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  /** Connect every box to the broker on `port`; resolves once all are accepted. */
  static async connect(data: BoxesData): Promise<Boxes> {
    const file = fileURLToPath(new URL('./boxes-process.ts', import.meta.url));
    // coreutils' nice: the whole process, all its threads, at the boxes' priority.
    const child = spawn('nice', ['-n', String(BOX_NICE), process.execPath, file], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const boxes = new Boxes(child);
    await boxes.#ask({ connect: data }).catch((err: Error) => {
      child.kill();
      throw err;
    });
    return boxes;
  }

  /** Publish the load; `onHalf` once half of it is acknowledged; resolves when all of it is. */
  publish(load: BoxLoad, onHalf: () => void = () => {}): Promise<void> {
    return this.#ask({ load }, onHalf);
  }

  /** Disconnect every box; resolves when their process has ended (killed after 5 s). */
  async close(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise((resolve) => child.once('exit', resolve));
    if (child.connected) child.send({ close: true });
    else child.kill();
    const stuck = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await ended;
    clearTimeout(stuck);
  }

  /** Send an order; resolves on its answer, rejects on an error or the process ending first. */
  #ask(order: object, onHalf: () => void = () => {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.#child;
      const exited = (code: number | null) => finish(new Error(`the boxes' process ended (${code})`));
      const listen = (message: FromBoxes) => {
        if (message.half) return onHalf();
        finish(message.error ? new Error(message.error) : undefined);
      };
      const finish = (err?: Error) => {
        child.off('message', listen);
        child.off('exit', exited);
        child.off('error', finish);
        if (err) reject(err);
        else resolve();
      };
      child.on('message', listen);
      child.once('exit', exited);
      child.once('error', finish); // could not be started
      child.send(order);
    });
  }
}

type Load = BoxLoad & {
  site: string;
  /** One connected client per box, and the box ids, in the same order. */
  clients: readonly Publishes[];
  ids: readonly string[];
  onPuback: () => void;
};

/** Minutes of the example site's office hours in a day: 240 from 07:30 to 11:30 … */
const MORNING_MINUTES = 240;
/** … and 210 from 13:30, six hours after the morning's start, to 17:00. */
const AFTERNOON_START_MIN = 6 * 60;
/** Minutes of office hours in a day, and so a box's presses in one: one a minute. */
export const OFFICE_MINUTES = 450;
export const DAY_MS = 86_400_000;

/**
 * The `officeMinute`-th minute (0 to 449) of office hours on the `weekday`-th weekday counted from
 * `mondayOpening`, a Monday at 07:30 in Hà Nội: weekends skipped, the lunch break too.
 */
export function officeTime(mondayOpening: number, weekday: number, officeMinute: number): number {
  const day = Math.floor(weekday / 5) * 7 + (weekday % 5);
  const minute =
    officeMinute < MORNING_MINUTES ? officeMinute : AFTERNOON_START_MIN + officeMinute - MORNING_MINUTES;
  return mondayOpening + day * DAY_MS + minute * 60_000;
}

/**
 * When box `box` makes its press `seq`: one a minute through the office hours of the weekdays
 * from T0 on, as a busy desk's citizens press, so that every press counts (in office hours, far
 * more than `repeat_interval_s` apart) and walks the whole way through the ratings' domain and
 * the alerts', as in the queue a box sends after an outage. The first holiday after T0 is the New
 * Year's: 34 office days, 15,300 presses a box. The boxes' presses are 1 ms apart.
 */
export function pressTime(seq: number, box: number): number {
  return officeTime(T0, Math.floor(seq / OFFICE_MINUTES), seq % OFFICE_MINUTES) + box;
}

/** Box `box`'s rating `seq`: scores 1 to 4 in turn, a quarter unsatisfied (1 of 4), half satisfied. */
export const ratingBody = (seq: number, box: number) =>
  JSON.stringify({
    boot: 'bench001',
    seq,
    score: 1 + (seq % 4),
    scale: 4,
    ts: new Date(pressTime(seq, box)).toISOString(),
  });

/**
 * Every box publishes its ratings at QoS 1, keeping `inflight` unacknowledged; resolves when all
 * are. Runs in the boxes' process.
 */
export async function publishLoad(load: Load): Promise<void> {
  const t0 = performance.now();
  const due = (seq: number) => (load.ratePerS ? t0 + (seq * load.clients.length * 1000) / load.ratePerS : 0);
  await Promise.all(
    load.clients.map(async (client, i) => {
      const topic = `thanthien/v1/${load.site}/dev/${load.ids[i]!}/evt/rating`;
      const window: Promise<unknown>[] = [];
      for (let seq = 0; seq < load.perBox; seq++) {
        const wait = due(seq) - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        window.push(client.publishAsync(topic, ratingBody(seq, i), { qos: 1 }).then(load.onPuback));
        if (window.length >= load.inflight) await window.shift();
      }
      await Promise.all(window);
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 5 ms until true (→ true), `timeoutMs` passed or `cancelled()` (→ false). */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  cancelled = () => false,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !cancelled()) {
    if (await check()) return true;
    await sleep(5);
  }
  return false;
}

/**
 * The latency probe: one rating every 100 ms from its own box, timed from publish until `landed`
 * finds it (each looked up by its own time, so a lost one does not stall the next), given up on
 * after `giveUpMs` and counted lost. With `warmUpMs`, it first waits until one rating goes all the
 * way through (a pipeline that subscribes after its CONNACK is not up when it accepts connections).
 */
export async function latencyProbe(probe: {
  client: Publishes;
  site: string;
  id: string;
  landed: (timeMs: number) => Promise<boolean>;
  giveUpMs: number;
  warmUpMs?: number;
}): Promise<{ stop: () => Promise<{ latencies: number[]; lost: number }> }> {
  const topic = `thanthien/v1/${probe.site}/dev/${probe.id}/evt/rating`;
  // Counted presses like the boxes': the warm-up's (-1) first, the probe's own box after theirs.
  const timeOf = (seq: number) => pressTime(seq + 1, BOXES);
  const publish = (seq: number) =>
    probe.client.publishAsync(
      topic,
      JSON.stringify({ boot: 'probe001', seq, score: 4, scale: 4, ts: new Date(timeOf(seq)).toISOString() }),
      { qos: 1 },
    );
  if (probe.warmUpMs !== undefined) {
    const deadline = performance.now() + probe.warmUpMs;
    while (!(await publish(-1).then(() => waitFor(() => probe.landed(timeOf(-1)), 1000)))) {
      if (performance.now() > deadline)
        throw new Error(`no rating reached InfluxDB in ${probe.warmUpMs / 1000} s`);
    }
  }
  const latencies: number[] = [];
  let lost = 0;
  let probing = true;
  const loop = (async () => {
    for (let seq = 0; probing; seq++) {
      const sent = performance.now();
      await publish(seq);
      const landed = await waitFor(
        () => probe.landed(timeOf(seq)),
        probe.giveUpMs,
        () => !probing,
      );
      if (landed) latencies.push(performance.now() - sent);
      else if (probing) lost++; // not merely cut short by the end of the run
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      probing = false;
      await loop;
      return { latencies, lost };
    },
  };
}

/**
 * Wait until `count()` reaches `total`, or has not grown for `stallMs` (points were lost); `onGrow`
 * reads what belongs to the moment of the last growth (CPU time), so a stall adds nothing to it.
 */
export async function waitStored<T>(
  count: () => Promise<number>,
  total: number,
  stallMs: number,
  onGrow: () => T,
): Promise<{ stored: number; grewAt: number; atGrowth: T }> {
  let [stored, grewAt, atGrowth] = [0, performance.now(), onGrow()];
  while (stored < total && performance.now() - grewAt < stallMs) {
    const n = await count();
    if (n > stored) [stored, grewAt, atGrowth] = [n, performance.now(), onGrow()];
    else await sleep(50);
  }
  return { stored, grewAt, atGrowth };
}

/** InfluxDB stopped for `seconds`, then started again on the same port and data. */
export async function influxOutage(
  influxd: { stop: () => Promise<void>; start: () => Promise<void> },
  seconds: number,
): Promise<void> {
  await influxd.stop();
  await sleep(seconds * 1000);
  await influxd.start();
}
