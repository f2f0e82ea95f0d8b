import { spawn } from 'node:child_process';
import five from 'johnny-five';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedIO } from '../firmware/src/io/simulated-io.ts';
import { DeviceLink } from '../firmware/src/link/index.ts';
import { Ld2410Parser } from '../firmware/src/presence-sensor/ld2410.ts';
import type { DetectorTimers } from '../firmware/src/presence-sensor/presence-detector.ts';
import {
  PresenceSensor,
  type PresenceSensorOptions,
} from '../firmware/src/presence-sensor/presence-sensor.ts';
import { placementOf } from '../hub/src/devices/index.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';
import { runProcess } from './helpers/process.ts';
import { provisioningFile } from './helpers/provisioning-file.ts';

// The presence-sensor firmware on a johnny-five board with simulated IO, speaking to a real hub.
// The board and the network run on real time; the confirm, hold and silence timers run on a
// clock the test advances, so no assertion depends on how fast the machine is.

const PIR = 2;
const LED = 13;
const CONFIRM = 500;
const HOLD = 120_000;
const RADAR_SILENCE = 3_000;

/** Timers that fire only when the test advances them, in the order they fall due. */
class ManualTimers implements DetectorTimers {
  #now = 0;
  #nextId = 1;
  readonly #due = new Map<number, { at: number; run: () => void }>();

  setTimeout(run: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#due.set(id, { at: this.#now + ms, run });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.#due.delete(id as number);
  }

  /** The delays still pending, from now, shortest first. */
  pending(): number[] {
    return [...this.#due.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.#due)
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#due.delete(next[0]);
      this.#now = next[1].at;
      next[1].run();
    }
    this.#now = end;
  }
}

/** A basic-mode LD2410 report frame (datasheet layout; see tests/ld2410.test.ts). */
function radarFrame(target: 0 | 1 | 2 | 3): Buffer {
  const data = [0x02, 0xaa, target, 0, 0, 0, 81, 0, 59, 120, 0, 0x55, 0x00];
  return Buffer.from([0xf4, 0xf3, 0xf2, 0xf1, data.length, 0, ...data, 0xf8, 0xf7, 0xf6, 0xf5]);
}

let hub: TestHub;
let secret: string;
let io: SimulatedIO;
let link: DeviceLink;
let sensor: PresenceSensor;
let timers: ManualTimers;

beforeAll(async () => {
  hub = await startTestHub();
  const placement = placementOf(hub.config);
  secret = (
    await hub.devices.add({ id: 'pir-j5', kind: 'presence-sensor', desk: placement.desks[0]! }, placement)
  ).secret;
});

afterAll(async () => {
  await hub?.close();
});

afterEach(async () => {
  sensor?.stop();
  await link?.stop();
});

/** A board, a connected link and a started sensor, as the program builds them. */
async function startSensor(options: Partial<PresenceSensorOptions> = { pin: PIR, led: LED }): Promise<void> {
  io = new SimulatedIO();
  // sigint: false — no SIGINT handler per board in a test process (missing from the typings).
  const board = new five.Board({ io, repl: false, debug: false, sigint: false } as five.BoardOption);
  await new Promise<void>((resolve) => board.on('ready', () => resolve()));
  link = new DeviceLink({
    url: hub.url,
    site: hub.config.site.code,
    id: 'pir-j5',
    secret,
    kind: 'presence-sensor',
    fw: '1.0.0',
  });
  timers = new ManualTimers();
  sensor = new PresenceSensor({
    board,
    link,
    confirmMs: CONFIRM,
    holdMs: HOLD,
    radarSilenceMs: RADAR_SILENCE,
    sampleMs: 5,
    timers,
    ...options,
  });
  link.start();
  sensor.start();
  await until(() => link.connected, 'the link connected');
}

/** The `present` values the hub committed for this boot, in seq order. */
const stored = (): boolean[] =>
  (
    hub.store
      .prepare("SELECT body FROM events WHERE device = ? AND type = 'presence' AND boot = ? ORDER BY seq")
      .all('pir-j5', link.boot) as Array<{ body: string }>
  ).map((row) => JSON.parse(row.body).present);

/** Set the PIR's output and wait until johnny-five has sampled it into the detector. */
async function pir(level: 0 | 1, expectPending: number[]): Promise<void> {
  io.setInput(PIR, level);
  await until(
    () => timers.pending().join() === expectPending.join(),
    `timers [${expectPending}] after the PIR read ${level}`,
  );
}

describe('presence sensor firmware', () => {
  it('reports absent only after the boot hold, ignores bounce, and holds through stillness', async () => {
    await startSensor();
    // At boot nothing is known: only the boot hold runs, and nothing is sent.
    await pir(0, [HOLD]);
    expect(sensor.state).toBe('undetermined');
    timers.advance(HOLD - 1);
    expect(sensor.state).toBe('undetermined');
    timers.advance(1);
    await until(() => stored().length === 1, 'absent at the hub');

    // Bounce: a detection that ends before confirmMs changes nothing.
    await pir(1, [CONFIRM]);
    await pir(0, []);
    timers.advance(CONFIRM * 2);
    expect(sensor.state).toBe('absent');

    await pir(1, [CONFIRM]);
    timers.advance(CONFIRM);
    expect(io.level(LED)).toBeGreaterThan(0); // on: johnny-five writes full PWM
    await until(() => stored().length === 2, 'present at the hub');

    // The official sits still; the PIR twitches once near the end of the hold, which restarts it.
    await pir(0, [HOLD]);
    timers.advance(HOLD - 1);
    await pir(1, []);
    await pir(0, [HOLD]);
    timers.advance(HOLD - 1);
    expect(sensor.state).toBe('present');
    timers.advance(1);
    expect(io.level(LED)).toBe(0);
    await until(() => stored().length === 3, 'absent again at the hub');
    expect(stored()).toEqual([false, true, false]);
  });

  it('sends nothing on connect while undetermined', async () => {
    await startSensor();
    link.cut();
    await until(() => !link.connected, 'the link cut');
    link.reconnect();
    await until(() => link.connected, 'the link back');
    await pir(1, [CONFIRM]);
    timers.advance(CONFIRM);
    // An empty queue: every event recorded so far is committed at the hub.
    await until(() => link.queueLength === 0 && stored().length > 0, 'the first state at the hub');
    expect(stored()).toEqual([true]);
  });

  it('sends its current state after each reconnect, after what happened while away', async () => {
    await startSensor();
    await pir(1, [CONFIRM]);
    timers.advance(CONFIRM);
    await until(() => stored().length === 1, 'present at the hub');

    link.cut();
    await until(() => !link.connected, 'the link cut');
    await pir(0, [HOLD]);
    timers.advance(HOLD); // the desk empties while the network is away: queued
    link.reconnect();
    await until(() => stored().length === 3, 'the queued transition and the current state');
    expect(stored()).toEqual([true, false, false]);

    link.cut();
    await until(() => !link.connected, 'the link cut again');
    link.reconnect();
    await until(() => stored().length === 4, 'the current state again');
    expect(stored()).toEqual([true, false, false, false]);
  });

  it('counts a still official the radar sees as present, though the PIR sees nothing', async () => {
    const radar = new Ld2410Parser();
    await startSensor({ pin: PIR, radar });
    await pir(0, [RADAR_SILENCE, HOLD]);
    radar.write(radarFrame(2)); // stationary target
    await until(() => timers.pending().join() === [CONFIRM, RADAR_SILENCE].join(), 'the radar report read');
    timers.advance(CONFIRM);
    await until(() => stored().length === 1, 'present at the hub');

    radar.write(radarFrame(0)); // no target
    await until(() => timers.pending().join() === [RADAR_SILENCE, HOLD].join(), 'the empty report read');
    timers.advance(HOLD - 1);
    expect(sensor.state).toBe('present');
    timers.advance(1);
    await until(() => stored().length === 2, 'absent at the hub');
    expect(stored()).toEqual([true, false]);
  });

  it('counts a silent radar as detecting nobody, so a loose wire never keeps a desk present', async () => {
    const radar = new Ld2410Parser();
    const warnings: string[] = [];
    await startSensor({ radar, logger: { warn: (_details, message) => warnings.push(message) } });
    radar.write(radarFrame(1)); // moving target, then the wire comes loose
    await until(() => timers.pending().join() === [CONFIRM, RADAR_SILENCE].join(), 'the radar report read');
    timers.advance(CONFIRM);
    timers.advance(RADAR_SILENCE - CONFIRM);
    expect(timers.pending()).toEqual([HOLD]);
    expect(warnings).toEqual(['LD2410 radar silent: counted as no detection']);
    timers.advance(HOLD);
    await until(() => stored().length === 2, 'present then absent at the hub');
    expect(stored()).toEqual([true, false]);
  });

  it('warns about a radar that never speaks, and decides absent after the boot hold', async () => {
    const warnings: string[] = [];
    await startSensor({
      radar: new Ld2410Parser(),
      logger: { warn: (_d, message) => warnings.push(message) },
    });
    expect(timers.pending()).toEqual([RADAR_SILENCE, HOLD]);
    timers.advance(RADAR_SILENCE);
    expect(warnings).toHaveLength(1);
    expect(sensor.state).toBe('undetermined');
    timers.advance(HOLD - RADAR_SILENCE);
    await until(() => stored().length === 1, 'absent at the hub');
    expect(stored()).toEqual([false]);
  });

  it('refuses to start with nothing to read, or pins without a board', () => {
    expect(() => new PresenceSensor({ link: {} as DeviceLink })).toThrow(/digital pin, an LD2410 radar/);
    expect(() => new PresenceSensor({ link: {} as DeviceLink, pin: 2 })).toThrow(
      /needs the johnny-five board/,
    );
  });
});

describe('presence sensor program', () => {
  const writeProvisioning = (body: object) => provisioningFile('pir.thanthien.json', body);

  it('starts from its provisioning file and comes online at the hub (simulated IO)', async () => {
    const placement = placementOf(hub.config);
    const added = await hub.devices.add(
      { id: 'pir-prog', kind: 'presence-sensor', desk: placement.desks[1]! },
      placement,
    );
    const file = writeProvisioning({
      id: 'pir-prog',
      secret: added.secret,
      kind: 'presence-sensor',
      site: hub.config.site.code,
      mqtt_url: hub.url,
    });
    const child = spawn(
      process.execPath,
      ['firmware/src/presence-sensor/main.ts', '--provision', file, '--io', 'simulated', '--hold-s', '30'],
      { stdio: 'ignore' },
    );
    try {
      await until(() => hub.devices.get('pir-prog')?.online === true, 'the sensor online at the hub');
      expect(hub.devices.get('pir-prog')).toMatchObject({
        kind: 'presence-sensor',
        fw: '1.0.0',
        online: true,
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await until(() => !hub.devices.get('pir-prog')!.online, 'offline after a clean stop');
  });

  const run = (args: string[]) =>
    runProcess(process.execPath, ['firmware/src/presence-sensor/main.ts', ...args]);
  const valid = () =>
    writeProvisioning({
      id: 'pir-x',
      secret: 'x'.repeat(32),
      kind: 'presence-sensor',
      site: 'xa-thu',
      mqtt_url: 'mqtt://127.0.0.1:1',
    });

  it('refuses a provisioning file for another kind of device, naming the field', async () => {
    const file = writeProvisioning({
      id: 'btn-1',
      secret: 'x'.repeat(32),
      kind: 'rating-button',
      site: 's',
      mqtt_url: 'mqtt://x',
    });
    const result = await run(['--provision', file, '--io', 'simulated']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Lỗi \/ Error: .*kind: Invalid input: expected "presence-sensor"/);
  });

  it('refuses a provisioning file whose site is not a commune code', async () => {
    const file = writeProvisioning({
      id: 'pir-x',
      secret: 'x'.repeat(32),
      kind: 'presence-sensor',
      site: 'Xã Thử',
      mqtt_url: 'mqtt://127.0.0.1:1',
    });
    const result = await run(['--provision', file, '--io', 'simulated']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Lỗi \/ Error: .*site: Invalid string/);
  });

  it.each([
    [['--pin', 'none'], /--pin none needs --radar/],
    [['--pin', 'two'], /--pin must be a pin number or "none", got "two"/],
    [['--hold-s=-5'], /--hold-s must be a number from 0 to 2147483, got "-5"/],
    [['--confirm-ms', 'abc'], /--confirm-ms must be a number/],
    [['--pin'], /Option '--pin <value>' argument missing/],
    [
      ['--pin', 'none', '--led', 'none', '--radar', '/dev/tt-no-such-uart'],
      /--radar \/dev\/tt-no-such-uart: /,
    ],
  ])('refuses %j with a reason', async (args, reason) => {
    const result = await run(['--provision', valid(), '--io', 'simulated', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Lỗi \/ Error: /);
    expect(result.stderr).toMatch(reason);
  });
});
