import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import type { DeviceKind } from '../protocol/index.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';
import { runProcess, stopChild } from './helpers/process.ts';
import { openPty, type Pty } from './helpers/pty.ts';

// The device programs as a technician starts them, on a real serial port: a pseudo-terminal from
// socat, whose other end is this test acting as a StandardFirmata board (or an LD2410 radar).
// They run on the Node that `npm run firmware:…` runs (the `node` devDependency, Node 24), with
// node_modules as `npm ci` left them, so a native addon built for another Node's ABI, or a code
// path into johnny-five's own serialport, fails here as it fails at the desk.

const NODE = resolve('node_modules/.bin/node');
/** How long a step may take on a loaded machine; Firmata alone waits 5 s before it asks the board. */
const STEP_MS = 40_000;

// Firmata bytes (https://github.com/firmata/protocol/blob/master/protocol.md).
const REPORT_VERSION = 0xf9;
const START_SYSEX = 0xf0;
const END_SYSEX = 0xf7;
const QUERY_FIRMWARE = 0x79;
const CAPABILITY_QUERY = 0x6b;
const CAPABILITY_RESPONSE = 0x6c;
const ANALOG_MAPPING_QUERY = 0x69;
const ANALOG_MAPPING_RESPONSE = 0x6a;
const PIN_MODE = 0xf4;
const REPORT_DIGITAL = 0xd0;
const DIGITAL_MESSAGE = 0x90;
const [INPUT, OUTPUT, ANALOG, PULLUP] = [0x00, 0x01, 0x02, 0x0b];
/** An Arduino Uno: pins 0–19, the last six analog (A0–A5). */
const PIN_COUNT = 20;
const FIRST_ANALOG = 14;

/**
 * The other end of the cable as an Arduino Uno running StandardFirmata: it answers the queries
 * the Firmata client sends (version, firmware, capabilities, analog mapping) and nothing else.
 * It speaks only when asked, so the handshake takes the same path on every run.
 */
function actAsFirmataBoard(pty: Pty): void {
  const answer = ([command]: number[]) => {
    if (command === QUERY_FIRMWARE) {
      const name = [...Buffer.from('StandardFirmata.ino')].flatMap((c) => [c & 0x7f, c >> 7]);
      pty.send([START_SYSEX, QUERY_FIRMWARE, 2, 5, ...name, END_SYSEX]);
    } else if (command === CAPABILITY_QUERY) {
      const pins = Array.from({ length: PIN_COUNT }, (_, pin) => [
        ...[INPUT, 1, OUTPUT, 1, PULLUP, 1],
        ...(pin >= FIRST_ANALOG ? [ANALOG, 10] : []),
        0x7f,
      ]);
      pty.send([START_SYSEX, CAPABILITY_RESPONSE, ...pins.flat(), END_SYSEX]);
    } else if (command === ANALOG_MAPPING_QUERY) {
      const channels = Array.from({ length: PIN_COUNT }, (_, pin) =>
        pin >= FIRST_ANALOG ? pin - FIRST_ANALOG : 0x7f,
      );
      pty.send([START_SYSEX, ANALOG_MAPPING_RESPONSE, ...channels, END_SYSEX]);
    }
  };
  let sysex: number[] | undefined;
  pty.onData((chunk) => {
    for (const byte of chunk) {
      if (sysex) {
        if (byte === END_SYSEX) {
          answer(sysex);
          sysex = undefined;
        } else sysex.push(byte);
      } else if (byte === START_SYSEX) sysex = [];
      else if (byte === REPORT_VERSION) pty.send([REPORT_VERSION, 2, 5]);
      // Pin modes, reporting and digital writes need no answer; their data bytes are all < 0x80.
    }
  });
}

/** A DIGITAL_MESSAGE from the board: the levels of the 8 pins of `port`. */
const digital = (port: number, levels: number) => [DIGITAL_MESSAGE | port, levels & 0x7f, levels >> 7];

/** Whether the program wrote `bytes`, in a row, to the port. */
const wrote = (pty: Pty, bytes: number[]) => pty.received().includes(Buffer.from(bytes));

/** A basic-mode LD2410 report frame with a moving target (layout: tests/ld2410.test.ts). */
const RADAR_FRAME = Buffer.from([
  ...[0xf4, 0xf3, 0xf2, 0xf1, 13, 0],
  ...[0x02, 0xaa, 0x01, 80, 0, 60, 0, 0, 0, 0, 0, 0x55, 0x00],
  ...[0xf8, 0xf7, 0xf6, 0xf5],
]);

let hub: TestHub;
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  hub = await startTestHub();
  dir = mkdtempSync(join(tmpdir(), 'tt-serial-'));
});

afterAll(async () => {
  await hub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  // Programs first (they hold the ptys), then socat.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A pty the test closes afterwards. */
async function pty(): Promise<Pty> {
  const opened = await openPty();
  cleanups.push(() => opened.close());
  return opened;
}

/** Register a device at the hub and write its provisioning file, as `thanthien device add` does. */
async function provision(id: string, kind: DeviceKind): Promise<string> {
  const placement = placementOf(hub.config);
  const { secret } = await hub.devices.add({ id, kind, desk: placement.desks[0]! }, placement);
  const file = join(dir, `${id}.thanthien.json`);
  writeFileSync(file, JSON.stringify({ id, secret, kind, site: hub.config.site.code, mqtt_url: hub.url }));
  return file;
}

type Program = { child: ChildProcess; stderr: () => string };

/** Start a device program on Node 24; stopped (SIGTERM, then SIGKILL) after the test. */
function start(main: string, args: string[]): Program {
  const child = spawn(NODE, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  cleanups.push(() => stopChild(child, 15_000));
  return { child, stderr: () => stderr };
}

/** Wait for `check`, failing at once with the program's own words if it exits first. */
function waitFor(program: Program, check: () => boolean, what: string): Promise<void> {
  return until(
    () => {
      const { exitCode, signalCode } = program.child;
      if (exitCode !== null || signalCode !== null) {
        throw new Error(
          `the program stopped (${exitCode ?? signalCode}) before ${what}:\n${program.stderr()}`,
        );
      }
      return check();
    },
    what,
    STEP_MS,
  );
}

const events = (device: string, type: string) =>
  (
    hub.store
      .prepare('SELECT body FROM events WHERE device = ? AND type = ? ORDER BY seq')
      .all(device, type) as Array<{ body: string }>
  ).map((row) => JSON.parse(row.body));

describe('device programs on a real serial port (a pseudo-terminal), on Node 24', () => {
  it('run on the Node of `npm run`', async () => {
    const run = await runProcess(NODE, ['--version']);
    expect(run.stdout).toMatch(/^v24\./);
  });

  it('reach only serialport 13, whose binding is the N-API prebuild, whatever Node ran npm ci', () => {
    const require = createRequire(import.meta.url);
    const ours = require.resolve('serialport');
    // johnny-five and firmata reach for a serialport of their own in some code paths: it must be ours.
    for (const pkg of ['johnny-five', 'firmata']) {
      expect(createRequire(require.resolve(`${pkg}/package.json`)).resolve('serialport'), pkg).toBe(ours);
    }
    // serialport 8's binding is a node-gyp addon built at install time for that Node's ABI only.
    expect(existsSync('node_modules/@serialport/bindings')).toBe(false);
    const cpp = dirname(require.resolve('@serialport/bindings-cpp/package.json'));
    const loaded = createRequire(join(cpp, 'package.json'))('node-gyp-build').path(cpp) as string;
    expect(loaded).toContain(`${cpp}/prebuilds/`);
  });

  it('rating button: opens the port, speaks Firmata, and a press on the board is a rating at the hub', async () => {
    const port = await pty();
    actAsFirmataBoard(port);
    const file = await provision('btn-tty', 'rating-button');
    const program = start('firmware/src/rating-button/main.ts', ['--provision', file, '--serial', port.path]);

    // The handshake, then johnny-five sets up the buttons (pins 2–5 and 7–11) and reads port 0.
    await waitFor(program, () => wrote(port, [REPORT_DIGITAL | 0, 1]), 'the buttons reported');
    for (const query of [[REPORT_VERSION], [START_SYSEX, CAPABILITY_QUERY, END_SYSEX]]) {
      expect(wrote(port, query), `query ${query}`).toBe(true);
    }
    for (const pin of [2, 3, 4, 5, 7]) expect(wrote(port, [PIN_MODE, pin, INPUT]), `pin ${pin}`).toBe(true);
    await waitFor(program, () => hub.devices.get('btn-tty')?.online === true, 'the box online at the hub');

    // Pull-ups: the buttons on port 0 (pins 2–7) read high; pin 4 (score 3) goes low while pressed.
    const released = 0b1111_1100;
    port.send(digital(0, released));
    port.send(digital(0, released & ~(1 << 4)));
    await waitFor(program, () => events('btn-tty', 'rating').length > 0, 'the rating at the hub');
    port.send(digital(0, released)); // released only now: no race with johnny-five's debounce
    expect(events('btn-tty', 'rating')).toMatchObject([{ score: 3, scale: 4 }]);
  });

  it('presence sensor: opens the --serial port, speaks Firmata, and the PIR pin is "present" at the hub', async () => {
    const port = await pty();
    actAsFirmataBoard(port);
    const file = await provision('pir-tty', 'presence-sensor');
    const program = start('firmware/src/presence-sensor/main.ts', [
      ...['--provision', file, '--serial', port.path, '--hold-s', '30'],
    ]);

    await waitFor(program, () => wrote(port, [REPORT_DIGITAL | 0, 1]), 'the PIR pin reported');
    expect(wrote(port, [REPORT_VERSION])).toBe(true);
    expect(wrote(port, [START_SYSEX, CAPABILITY_QUERY, END_SYSEX])).toBe(true);
    expect(wrote(port, [PIN_MODE, 2, INPUT])).toBe(true);
    expect(wrote(port, [PIN_MODE, 13, OUTPUT])).toBe(true);

    port.send(digital(0, 1 << 2)); // the PIR's output goes high on pin 2 and stays
    await waitFor(program, () => events('pir-tty', 'presence').length > 0, 'presence at the hub');
    expect(events('pir-tty', 'presence')).toMatchObject([{ present: true }]);
  });

  it('presence sensor: opens the --radar UART and reads the LD2410 into "present" at the hub', async () => {
    const port = await pty();
    const file = await provision('pir-radar-tty', 'presence-sensor');
    const program = start('firmware/src/presence-sensor/main.ts', [
      ...['--provision', file, '--radar', port.path, '--pin', 'none', '--led', 'none'],
    ]);
    // The radar streams about ten reports a second from power-on, whether anyone listens or not.
    const radar = setInterval(() => port.send(RADAR_FRAME), 100);
    cleanups.push(() => clearInterval(radar));
    await waitFor(program, () => events('pir-radar-tty', 'presence').length > 0, 'presence at the hub');
    expect(events('pir-radar-tty', 'presence')).toMatchObject([{ present: true }]);
  });

  it('a --serial port that does not open stops the program with a reason', async () => {
    const file = await provision('btn-no-port', 'rating-button');
    const run = await runProcess(
      NODE,
      ['firmware/src/rating-button/main.ts', '--provision', file, '--serial', '/dev/tt-no-such-port'],
      { timeoutMs: STEP_MS },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Lỗi \/ Error: --serial \/dev\/tt-no-such-port: /);
  });
});
