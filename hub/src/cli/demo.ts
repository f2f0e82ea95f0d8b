import { runCommune } from '../../../simulators/src/commune.ts';
import { both } from '../i18n/index.ts';
import { bootHub, stopOnSignal } from './hub.ts';
import { provisionSimulatedCommune } from './simulate.ts';

const DEMO_LEADER = 'demo-lanh-dao';

/** `thanthien demo` / `npm run demo`: the hub plus a simulated commune, so live data shows at once. */
export async function demoCommand(): Promise<void> {
  const hub = await bootHub();
  const devices = await provisionSimulatedCommune(hub.devices, hub.config);
  // A leader account, so that a newcomer can open the desk board at once.
  console.log(both('demo.board', { port: hub.httpPort }));
  if (hub.users.get(DEMO_LEADER)) console.log(both('demo.loginKept', { name: DEMO_LEADER }));
  else {
    const { password } = await hub.users.add({ name: DEMO_LEADER, role: 'leader' });
    console.log(both('demo.login', { name: DEMO_LEADER, password }));
  }
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
