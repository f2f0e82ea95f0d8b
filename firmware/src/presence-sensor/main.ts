/**
 * The desk presence sensor program. A PIR (or the LD2410's OUT pin) on a Pico or Arduino running
 * StandardFirmata on a USB cable, and/or an LD2410 radar on a UART:
 *
 *   node firmware/src/presence-sensor/main.ts --provision pir-quay-1.thanthien.json \
 *     --serial /dev/ttyACM0 --queue /var/lib/thanthien/pir-quay-1.queue
 *   node firmware/src/presence-sensor/main.ts --provision pir-quay-1.thanthien.json \
 *     --radar /dev/serial0 --pin none --led none
 *
 * `--io simulated` runs the same program on pins in memory (bench and tests). Wiring: docs/firmware.md.
 */
import type five from 'johnny-five';
import { SerialPort } from 'serialport';
import {
  fail,
  loadProvisioning,
  openBoard,
  openLink,
  parseCommandLine,
  stopOnSignal,
} from '../link/program.ts';
import { LD2410_BAUD_RATE, Ld2410Parser } from './ld2410.ts';
import { PresenceSensor } from './presence-sensor.ts';

/** Node's timers hold at most 2^31 − 1 ms (about 24.8 days). */
const MAX_DELAY_MS = 2_147_483_647;

const OPTIONS = {
  provision: { type: 'string' },
  serial: { type: 'string' },
  io: { type: 'string', default: 'firmata' },
  pin: { type: 'string', default: '2' },
  led: { type: 'string', default: '13' },
  'hold-s': { type: 'string', default: '120' },
  'confirm-ms': { type: 'string', default: '500' },
  radar: { type: 'string' },
  queue: { type: 'string' },
  'clock-unsynced': { type: 'boolean', default: false },
} as const;

const values = parseCommandLine(OPTIONS);

/** A pin number, or undefined for "none". */
function pinOption(name: string, value: string): number | undefined {
  if (value === 'none') return undefined;
  const pin = Number(value);
  if (!Number.isInteger(pin) || pin < 0) fail(`--${name} must be a pin number or "none", got "${value}"`);
  return pin;
}

function delayOption(name: string, value: string, unitMs: number): number {
  const ms = Number(value) * unitMs;
  if (value.trim() === '' || !Number.isFinite(ms) || ms < 0 || ms > MAX_DELAY_MS) {
    fail(`--${name} must be a number from 0 to ${Math.floor(MAX_DELAY_MS / unitMs)}, got "${value}"`);
  }
  return ms;
}

const device = loadProvisioning(values.provision, 'presence-sensor', {});
if (values.io !== 'firmata' && values.io !== 'simulated') fail('--io must be "firmata" or "simulated"');
const pin = pinOption('pin', values.pin);
const led = pinOption('led', values.led);
const holdMs = delayOption('hold-s', values['hold-s'], 1_000);
const confirmMs = delayOption('confirm-ms', values['confirm-ms'], 1);
if (pin === undefined && !values.radar) fail('--pin none needs --radar <LD2410 UART, e.g. /dev/serial0>');
const needsBoard = pin !== undefined || led !== undefined;
if (needsBoard && values.io === 'firmata' && !values.serial)
  fail('--serial <port, e.g. /dev/ttyACM0> is required with Firmata (or --pin none --led none with --radar)');

/** The LD2410's reports; a port that does not open stops the program, a later error is logged. */
function openRadar(path: string): Ld2410Parser {
  const port = new SerialPort({ path, baudRate: LD2410_BAUD_RATE }, (err) => {
    if (err) fail(`--radar ${path}: ${err.message}`);
  });
  port.on('error', (err) => console.error(`LD2410 ${path}: ${err.message}`));
  return port.pipe(new Ld2410Parser());
}

function run(board: five.Board | undefined): void {
  try {
    start(board);
  } catch (err) {
    fail((err as Error).message);
  }
}

function start(board: five.Board | undefined): void {
  const link = openLink(device, { queue: values.queue, clockUnsynced: values['clock-unsynced'] });
  const sensor = new PresenceSensor({
    board,
    link,
    pin,
    led,
    radar: values.radar ? openRadar(values.radar) : undefined,
    confirmMs,
    holdMs,
    logger: { warn: (details, message) => console.error(`${message} ${JSON.stringify(details)}`) },
  });
  link.start();
  sensor.start();
  stopOnSignal(() => sensor.stop(), link);
}

if (needsBoard) {
  const board = openBoard(values.io, values.serial);
  board.on('ready', () => run(board));
} else {
  run(undefined);
}
