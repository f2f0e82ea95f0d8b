import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { runCommune, type SimDeviceSpec } from '../../../simulators/src/commune.ts';
import type { SiteConfig } from '../config/index.ts';
import { type DeviceRegistry, placementOf } from '../devices/index.ts';
import { HubError } from '../errors.ts';
import { both, t } from '../i18n/index.ts';
import { parse } from './args.ts';
import { openAdminContext } from './context.ts';
import { usageHint } from './help.ts';

const OPTIONS = {
  url: { type: 'string' },
  desks: { type: 'string' },
  speakers: { type: 'string' },
  rate: { type: 'string', default: '2' },
  duration: { type: 'string', default: '60' },
  credentials: { type: 'string' },
} as const;

/** How long the hub's MQTT port gets to answer before simulate gives up, touching nothing. */
const REACH_TIMEOUT_MS = 5_000;

export async function simulateCommand(args: string[]): Promise<void> {
  const { values } = parse(args, OPTIONS, 'simulate');
  // 1. Every argument, before anything is opened, written or connected.
  const number = (name: string, text: string | undefined, min: number) => {
    const n = Number(text);
    if (text === undefined || !Number.isFinite(n) || n < min) {
      const hint = usageHint('simulate');
      throw new HubError('TT_USAGE', {
        vi: `--${name} phải là một số ≥ ${min}; ${hint.vi}`,
        en: `--${name} must be a number ≥ ${min}; ${hint.en}`,
      });
    }
    return n;
  };
  const counts = {
    desks: values.desks === undefined ? undefined : number('desks', values.desks, 0),
    speakers: values.speakers === undefined ? undefined : number('speakers', values.speakers, 0),
  };
  const ratePerDeskPerMin = number('rate', values.rate, 0);
  const durationS = number('duration', values.duration, 1);
  const credentials = values.credentials ? readCredentials(values.credentials) : undefined;
  const ctx = openAdminContext();
  const url = values.url ?? `mqtt://127.0.0.1:${ctx.settings.mqttPort}`;
  let devices: SimDeviceSpec[];
  try {
    // 2. The hub answers, so that no device is re-keyed for a run that cannot happen.
    await mustReach(url);
    // 3. Devices: the given ones, or this hub's simulated devices unless another run is using them.
    devices =
      credentials ??
      (await provisionSimulatedCommune(ctx.devices, ctx.config, { ...counts, mustBeIdle: true }));
  } finally {
    ctx.close();
  }
  const live = process.stderr.isTTY;
  let lastLine = 0;
  const final = await runCommune({
    url,
    site: ctx.config.site.code,
    scale: ctx.config.rating.scale,
    devices,
    ratePerDeskPerMin,
    durationS,
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
  // A run whose events the hub never took has failed, whatever the reason: say it with the exit code.
  if (final.events > 0 && final.acked === 0) {
    throw new HubError('TT_MQTT_UNREACHABLE', {
      vi: `${url}: trạm không xác nhận sự kiện nào (${final.online}/${final.devices} thiết bị kết nối được); xem GET /api/v1/health, mục rejected`,
      en: `${url}: the hub acknowledged no event (${final.online}/${final.devices} devices connected); see GET /api/v1/health, "rejected"`,
    });
  }
}

/** Open a TCP connection to the broker's port and close it; a coded error when nothing answers. */
async function mustReach(url: string): Promise<void> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new HubError('TT_USAGE', {
      vi: `--url "${url}" không phải địa chỉ mqtt://máy:cổng`,
      en: `--url "${url}" is not an mqtt://host:port address`,
    });
  }
  const secure = target.protocol === 'mqtts:' || target.protocol === 'wss:';
  const port = Number(
    target.port || (target.protocol.startsWith('ws') ? (secure ? 443 : 80) : secure ? 8883 : 1883),
  );
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const problem = await new Promise<string | undefined>((resolve) => {
    const socket = createConnection({ host, port });
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(REACH_TIMEOUT_MS, () => done(`no answer within ${REACH_TIMEOUT_MS / 1000} s`));
    socket.once('connect', () => done());
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
  if (problem) {
    throw new HubError('TT_MQTT_UNREACHABLE', {
      vi: `${url} (${problem}); trạm có đang chạy không? Không thiết bị nào bị thay đổi`,
      en: `${url} (${problem}); is the hub running? No device was changed`,
    });
  }
}

/**
 * Register (or re-key) the simulated devices of a commune: a rating box and a presence sensor for
 * each of the first `desks` desks, a loudspeaker for each of the first `speakers` zones. With
 * `mustBeIdle`, devices that are online (a running demo or simulator) are not re-keyed, which
 * would cut that run off: the call refuses, naming them, and changes nothing.
 */
export async function provisionSimulatedCommune(
  registry: DeviceRegistry,
  config: SiteConfig,
  counts: { desks?: number; speakers?: number; mustBeIdle?: boolean } = {},
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
  const busy = wanted.filter((device) => registry.get(device.id)?.online).map((device) => device.id);
  if (counts.mustBeIdle && busy.length > 0) {
    const shown = `${busy.slice(0, 3).join(', ')}${busy.length > 3 ? ` (+${busy.length - 3})` : ''}`;
    throw new HubError('TT_SIM_IN_USE', {
      vi: `${shown} đang trực tuyến (một bản demo hoặc mô phỏng đang chạy); dừng nó trước, hoặc dùng --credentials với thiết bị khác`,
      en: `${shown} are online (a demo or simulator is running); stop it first, or use --credentials with other devices`,
    });
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
        throw new HubError('TT_USAGE', {
          vi: `${file}:${i + 1}: không phải một dòng JSON của "device add --json"`,
          en: `${file}:${i + 1}: not a JSON object from "device add --json"`,
        });
      }
    });
}
