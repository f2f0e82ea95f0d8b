/**
 * The rating-button box program. On a Pi Zero 2 W, or on any computer with a Pico or Arduino
 * running StandardFirmata on a USB cable:
 *
 *   node firmware/src/rating-button/main.ts --provision btn-quay-1.thanthien.json \
 *     --serial /dev/ttyACM0 --queue /var/lib/thanthien/btn-quay-1.queue
 *
 * `--io simulated` runs the same program on pins in memory (bench and tests). Wiring: docs/firmware.md.
 */
import { z } from 'zod';
import {
  fail,
  loadProvisioning,
  openBoard,
  openLink,
  parseCommandLine,
  stopOnSignal,
} from '../link/program.ts';
import { RatingBox, REASONS } from './rating-box.ts';

/** Default wiring (docs/firmware.md): grade buttons from pin 2, reason buttons after them. */
const GRADE_PINS = [2, 3, 4, 5, 6];
const REASON_PINS = [7, 8, 9, 10, 11];
const THANKS_LED = 13;

const values = parseCommandLine({
  provision: { type: 'string' },
  serial: { type: 'string' },
  io: { type: 'string', default: 'firmata' },
  queue: { type: 'string' },
  scale: { type: 'string' },
  reasons: { type: 'boolean', default: true },
  'clock-unsynced': { type: 'boolean', default: false },
});

const device = loadProvisioning(values.provision, 'rating-button', {
  scale: z.union([z.literal(3), z.literal(4), z.literal(5)]).optional(),
});
// The site's scale comes in the provisioning file; --scale overrides it.
const scale = Number(values.scale ?? device.scale ?? 4);
if (scale !== 3 && scale !== 4 && scale !== 5) fail('--scale must be 3, 4 or 5, as the site config says');
if (values.io === 'firmata' && !values.serial)
  fail('--serial <port, e.g. /dev/ttyACM0> is required with Firmata');

const board = openBoard(values.io, values.serial);
board.on('ready', () => {
  const link = openLink(device, { queue: values.queue, clockUnsynced: values['clock-unsynced'] });
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
  stopOnSignal(() => box.stop(), link);
});
