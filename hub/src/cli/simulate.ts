import { readFileSync } from 'node:fs';
import { runCommune, type SimDeviceSpec } from '../../../simulators/src/commune.ts';
import type { SiteConfig } from '../config/index.ts';
import { type DeviceRegistry, placementOf } from '../devices/index.ts';
import { HubError } from '../errors.ts';
import { both, t } from '../i18n/index.ts';
import { parse } from './args.ts';
import { openAdminContext } from './context.ts';

const USAGE = `thanthien simulate [--url mqtt://127.0.0.1:1883] [--desks <n>] [--speakers <n>] [--rate <presses per desk per minute>] [--duration <s>] [--credentials <file>]
  Without --credentials, simulated devices (sim-btn-…, sim-pir-…, sim-loa-…) are provisioned in this hub's store.
  --credentials: one JSON object per line, as "thanthien device add --json" prints them (for a remote hub).`;

const OPTIONS = {
  url: { type: 'string' },
  desks: { type: 'string' },
  speakers: { type: 'string' },
  rate: { type: 'string', default: '2' },
  duration: { type: 'string', default: '60' },
  credentials: { type: 'string' },
} as const;

export async function simulateCommand(args: string[]): Promise<void> {
  const { values } = parse(args, OPTIONS, USAGE);
  const number = (name: string, text: string | undefined, min: number) => {
    const n = Number(text);
    if (text === undefined || !Number.isFinite(n) || n < min)
      throw new HubError('TT_USAGE', `--${name} must be a number ≥ ${min}\n${USAGE}`);
    return n;
  };
  const ctx = openAdminContext();
  let devices: SimDeviceSpec[];
  try {
    devices = values.credentials
      ? readCredentials(values.credentials)
      : await provisionSimulatedCommune(ctx.devices, ctx.config, {
          desks: values.desks === undefined ? undefined : number('desks', values.desks, 0),
          speakers: values.speakers === undefined ? undefined : number('speakers', values.speakers, 0),
        });
  } finally {
    ctx.close();
  }
  const live = process.stderr.isTTY;
  let lastLine = 0;
  const final = await runCommune({
    url: values.url ?? `mqtt://127.0.0.1:${ctx.settings.mqttPort}`,
    site: ctx.config.site.code,
    scale: ctx.config.rating.scale,
    devices,
    ratePerDeskPerMin: number('rate', values.rate, 0),
    durationS: number('duration', values.duration, 1),
    onProgress: (p, left) => {
      const line = t('simulate.progress', { ...p, left });
      if (live) process.stderr.write(`\r${line}   `);
      else if (Date.now() - lastLine >= 5000) {
        lastLine = Date.now();
        console.error(line);
      }
    },
  });
  if (live) process.stderr.write('\n');
  console.log(both('simulate.done', { events: final.events, acked: final.acked }));
}

/**
 * Register (or re-key) the simulated devices of a commune: a rating box and a presence sensor for
 * each of the first `desks` desks, a loudspeaker for each of the first `speakers` zones.
 */
export async function provisionSimulatedCommune(
  registry: DeviceRegistry,
  config: SiteConfig,
  counts: { desks?: number; speakers?: number } = {},
): Promise<SimDeviceSpec[]> {
  const placement = placementOf(config);
  const wanted: Array<{ id: string; kind: SimDeviceSpec['kind']; desk?: string; zone?: string }> = [];
  for (const desk of config.desks.slice(0, counts.desks ?? config.desks.length)) {
    wanted.push({ id: `sim-btn-${desk.id}`, kind: 'rating-button', desk: desk.id });
    wanted.push({ id: `sim-pir-${desk.id}`, kind: 'presence-sensor', desk: desk.id });
  }
  for (const zone of config.zones.slice(0, counts.speakers ?? config.zones.length)) {
    wanted.push({ id: `sim-loa-${zone.id}`, kind: 'speaker', zone: zone.id });
  }
  const specs: SimDeviceSpec[] = [];
  for (const device of wanted) {
    const { secret } = registry.get(device.id)
      ? await registry.rotate(device.id)
      : await registry.add(device, placement);
    specs.push({ ...device, secret });
  }
  return specs;
}

function readCredentials(file: string): SimDeviceSpec[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      try {
        return JSON.parse(line) as SimDeviceSpec;
      } catch {
        throw new HubError('TT_USAGE', `${file}:${i + 1}: not a JSON object from "device add --json"`);
      }
    });
}
