/**
 * The loudspeaker node program (cụm loa). On a Pi Zero 2 W beside the amplifier, with the
 * amplifier's relay on a Pico or Arduino running StandardFirmata on a USB cable:
 *
 *   node firmware/src/speaker/main.ts --provision loa-thon-dong.thanthien.json \
 *     --serial /dev/ttyACM0 --state /var/lib/thanthien/speaker
 *
 * `--io none` runs without a relay (the amplifier stays on), `--io simulated` on pins in memory;
 * `--audio null` plays without a sound card (tests). Wiring: docs/firmware.md.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import five from 'johnny-five';
import { ClockSync } from '../../../hub/src/broadcasts/clock-sync.ts';
import {
  fail,
  loadProvisioning,
  openBoard,
  openLink,
  parseCommandLine,
  stopOnSignal,
} from '../link/program.ts';
import { ContentCache } from './content-cache.ts';
import { MpvPlayer } from './mpv.ts';
import { type Amplifier, SpeakerNode } from './speaker-node.ts';

const values = parseCommandLine({
  provision: { type: 'string' },
  io: { type: 'string', default: 'firmata' },
  serial: { type: 'string' },
  'amp-pin': { type: 'string', default: '7' },
  state: { type: 'string', default: 'speaker-state' },
  'cache-mb': { type: 'string', default: '500' },
  audio: { type: 'string', default: 'alsa' },
  'audio-device': { type: 'string' },
  clock: { type: 'string', default: 'ntp' },
  'telemetry-s': { type: 'string', default: '60' },
});

const device = loadProvisioning(values.provision, 'speaker', {});
if (!['firmata', 'simulated', 'none'].includes(values.io)) fail('--io must be firmata, simulated or none');
if (values.io === 'firmata' && !values.serial)
  fail('--serial <port, e.g. /dev/ttyACM0> is required with Firmata');
if (values.clock !== 'ntp' && values.clock !== 'trust') fail('--clock must be ntp or trust');
const cacheMb = Number(values['cache-mb']);
if (!(cacheMb > 0)) fail('--cache-mb must be a number of megabytes > 0');

const log = {
  debug() {},
  info: (_d: object, m: string) => console.error(m),
  warn: (d: object, m: string) => console.error(`${m} ${JSON.stringify(d)}`),
  error: (d: object, m: string) => console.error(`${m} ${JSON.stringify(d)}`),
};
mkdirSync(values.state, { recursive: true });
const clock = new ClockSync(values.clock as 'ntp' | 'trust', log);
await clock.start();

/** The amplifier's relay on a board pin, or none: then it is always on. */
async function amplifier(): Promise<Amplifier> {
  if (values.io === 'none') return { on() {}, off() {}, isOn: true };
  const board = openBoard(values.io, values.serial);
  await new Promise<void>((resolve) => board.on('ready', () => resolve()));
  // Normally open: the amplifier has power only while the relay is closed.
  const relay = new five.Relay({ pin: Number(values['amp-pin']), type: 'NO', board });
  let on = false;
  relay.open();
  return {
    on: () => {
      relay.close();
      on = true;
    },
    off: () => {
      relay.open();
      on = false;
    },
    get isOn() {
      return on;
    },
  };
}

/** The clock's offset as the system measured it, when it says (docs/protocol.md). */
const clockOffset = () => (clock.offsetMs === undefined ? {} : { clock_offset_ms: clock.offsetMs });
const link = openLink(device, {
  queue: undefined,
  clockSynced: () => clock.synced,
  birth: () => ({ clock_synced: clock.synced, ...clockOffset() }),
});
const audioArgs = values['audio-device'] ? [`--audio-device=${values['audio-device']}`] : [];
const node = new SpeakerNode({
  link,
  cache: new ContentCache({
    dir: join(values.state, 'cache'),
    maxBytes: cacheMb * 1024 * 1024,
    id: device.id,
    secret: device.secret,
  }),
  players: [
    new MpvPlayer({ audioOutput: values.audio, args: audioArgs, name: `tt-${device.id}-a` }),
    new MpvPlayer({ audioOutput: values.audio, args: audioArgs, name: `tt-${device.id}-b` }),
  ],
  amplifier: await amplifier(),
  playbookFile: join(values.state, 'plays.json'),
  clockSynced: () => clock.synced,
  log,
});
await node.start();
link.start();
const startedAt = Date.now();
const telemetry = setInterval(
  () =>
    link.telemetry({
      uptime_s: Math.floor((Date.now() - startedAt) / 1000),
      ...node.health(),
      ...clockOffset(),
    }),
  Number(values['telemetry-s']) * 1000,
);
stopOnSignal(() => {
  clearInterval(telemetry);
  clock.stop();
  void node.stop();
}, link);
