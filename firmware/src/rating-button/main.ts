/**
 * The rating-button box program. On a Pi Zero 2 W, or on any computer with a Pico or Arduino
 * running StandardFirmata on a USB cable:
 *
 *   node firmware/src/rating-button/main.ts --provision btn-quay-1.thanthien.json \
 *     --serial /dev/ttyACM0 --queue /var/lib/thanthien/btn-quay-1.queue
 *
 * `--io simulated` runs the same program on pins in memory (bench and tests). Wiring: docs/firmware.md.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import five from 'johnny-five';
import { SerialPort } from 'serialport';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../../../protocol/index.ts';
import { SimulatedIO } from '../io/simulated-io.ts';
import { DeviceLink, FileQueue } from '../link/index.ts';
import { RatingBox, REASONS } from './rating-box.ts';

/** What `thanthien device add` wrote for this box. */
const Provisioning = z.object({
  id: z.string().regex(DEVICE_ID_PATTERN),
  secret: z.string().min(16),
  kind: z.literal('rating-button'),
  site: z.string(),
  mqtt_url: z.string(),
  scale: z.union([z.literal(3), z.literal(4), z.literal(5)]).optional(),
});

/** Default wiring (docs/firmware.md): grade buttons from pin 2, reason buttons after them. */
const GRADE_PINS = [2, 3, 4, 5, 6];
const REASON_PINS = [7, 8, 9, 10, 11];
const THANKS_LED = 13;

const { values } = parseArgs({
  options: {
    provision: { type: 'string' },
    serial: { type: 'string' },
    io: { type: 'string', default: 'firmata' },
    queue: { type: 'string' },
    scale: { type: 'string' },
    reasons: { type: 'boolean', default: true },
    'clock-unsynced': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`Lỗi / Error: ${message}`);
  process.exit(1);
}

if (!values.provision) fail('--provision <file from "thanthien device add"> is required');
const parsed = Provisioning.safeParse(JSON.parse(readFileSync(values.provision, 'utf8')));
if (!parsed.success)
  fail(
    `${values.provision}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
// The site's scale comes in the provisioning file; --scale overrides it.
const scale = Number(values.scale ?? parsed.data.scale ?? 4);
if (scale !== 3 && scale !== 4 && scale !== 5) fail('--scale must be 3, 4 or 5, as the site config says');
if (values.io === 'firmata' && !values.serial)
  fail('--serial <port, e.g. /dev/ttyACM0> is required with Firmata');

const device = parsed.data;
const io =
  values.io === 'simulated'
    ? { io: new SimulatedIO() }
    : { port: new SerialPort({ path: values.serial!, baudRate: 57_600, autoOpen: true }) };
const board = new five.Board({ ...io, repl: false, debug: false } as five.BoardOption);

board.on('ready', () => {
  const link = new DeviceLink({
    url: device.mqtt_url,
    site: device.site,
    id: device.id,
    secret: device.secret,
    kind: 'rating-button',
    fw: '1.0.0',
    queue: values.queue ? new FileQueue(values.queue) : undefined,
    clockSynced: () => !values['clock-unsynced'],
  });
  link.on('problem', (err) => console.error(`MQTT: ${err.message}`));
  link.on('connected', () => console.error(`Đã kết nối trạm / connected: ${device.mqtt_url}`));
  const box = new RatingBox({
    board,
    link,
    scale,
    pins: {
      buttons: GRADE_PINS.slice(0, scale),
      reasons: values.reasons ? Object.fromEntries(REASONS.map((r, i) => [r, REASON_PINS[i]!])) : undefined,
      thanks: THANKS_LED,
    },
  });
  link.start();
  box.start();
  const stop = () => {
    box.stop();
    void link.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
