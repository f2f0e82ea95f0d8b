import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import firmata from 'firmata-io';
import five from 'johnny-five';
import { SerialPort } from 'serialport';
import { z } from 'zod';
import { DEVICE_ID_PATTERN, type DeviceKind, SITE_PATTERN } from '../../../protocol/index.ts';
import { SimulatedIO } from '../io/simulated-io.ts';
import { DeviceLink } from './device-link.ts';
import { FileQueue } from './event-queue.ts';

// What every device program shares: its command line, its provisioning file, its board and its link.

/** Stop the program with a reason, Vietnamese first: a technician at the board reads it. */
export function fail(message: string): never {
  console.error(`Lỗi / Error: ${message}`);
  process.exit(1);
}

/** The command line; an unknown option or a missing value stops the program naming it. */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(options: O) {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (err) {
    fail((err as Error).message);
  }
}

/** What `thanthien device add` wrote for a device of `kind`, plus what that kind adds. */
export function loadProvisioning<K extends DeviceKind, E extends z.ZodRawShape>(
  path: string | undefined,
  kind: K,
  extra: E,
) {
  if (!path) fail('--provision <file from "thanthien device add"> is required');
  const schema = z.object({
    id: z.string().regex(DEVICE_ID_PATTERN),
    secret: z.string().min(16),
    kind: z.literal(kind),
    site: z.string().regex(SITE_PATTERN),
    mqtt_url: z.string(),
    ...extra,
  });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`${path}: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    fail(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * A johnny-five board: StandardFirmata on a serial port, or pins in memory (`--io simulated`).
 *
 * The Firmata client is built here, on our serialport 13 port, and given to johnny-five as its IO:
 * given a `port`, johnny-five would load the `firmata` package, which loads a serialport of its own
 * (8, a native addon compiled for the one Node that ran `npm ci`, dead on any other). serialport
 * 13 loads an N-API prebuild that every Node accepts.
 */
export function openBoard(io: string, serial: string | undefined): five.Board {
  const plugin = io === 'simulated' ? new SimulatedIO() : new firmata.Firmata(openSerial(serial!));
  return new five.Board({ io: plugin, repl: false, debug: false } as five.BoardOption);
}

/** The Firmata board's USB serial port; one that does not open stops the program, naming it. */
function openSerial(path: string): SerialPort {
  return new SerialPort({ path, baudRate: 57_600 }, (err) => {
    if (err) fail(`--serial ${path}: ${err.message}`);
  });
}

/** The device link of a provisioned device, saying on stderr when it connects or has a problem. */
export function openLink(
  device: { id: string; secret: string; kind: DeviceKind; site: string; mqtt_url: string },
  options: {
    queue: string | undefined;
    clockUnsynced?: boolean;
    /** Asked each time: a speaker follows the system's synchronisation. */
    clockSynced?: () => boolean;
    birth?: () => Record<string, unknown>;
  },
): DeviceLink {
  const link = new DeviceLink({
    url: device.mqtt_url,
    site: device.site,
    id: device.id,
    secret: device.secret,
    kind: device.kind,
    fw: '1.0.0',
    queue: options.queue ? new FileQueue(options.queue) : undefined,
    clockSynced: options.clockSynced ?? (() => !options.clockUnsynced),
    birth: options.birth,
  });
  link.on('problem', (err) => console.error(`MQTT: ${err.message}`));
  link.on('connected', () => console.error(`Đã kết nối trạm / connected: ${device.mqtt_url}`));
  return link;
}

/** On SIGINT or SIGTERM: stop the device's parts, then its link (a clean MQTT disconnect). */
export function stopOnSignal(stop: () => void, link: DeviceLink): void {
  const handler = () => {
    stop();
    void link.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
