import { runCommune } from '../../../simulators/src/commune.ts';
import { bootHub, stopOnSignal } from './hub.ts';
import { provisionSimulatedCommune } from './simulate.ts';

/** `thanthien demo` / `npm run demo`: the hub plus a simulated commune, so live data shows at once. */
export async function demoCommand(): Promise<void> {
  const hub = await bootHub();
  const devices = await provisionSimulatedCommune(hub.devices, hub.config);
  const controller = new AbortController();
  stopOnSignal(hub, () => controller.abort());
  await runCommune({
    url: `mqtt://127.0.0.1:${hub.mqttPort}`,
    site: hub.config.site.code,
    scale: hub.config.rating.scale,
    devices,
    ratePerDeskPerMin: 2,
    durationS: Number.POSITIVE_INFINITY,
    signal: controller.signal,
    onProgress: () => {},
  });
}
