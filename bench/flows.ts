/**
 * Flows beside the hub (docs/flows.md): the hub's and the Node-RED process's memory, and how long
 * a rating takes from its PUBACK (durable in the hub) to the output of a deployed flow that reads
 * the hub's event stream.
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import { storePath } from '../hub/src/main.ts';
import { openStore } from '../hub/src/store/index.ts';
import { Users } from '../hub/src/users/index.ts';
import { SimRatingButton } from '../simulators/src/devices.ts';
import { deploy, eventsInto, nodeRedUp, postTo, pressUntilOut } from '../tests/helpers/flows.ts';
import { until } from '../tests/helpers/hub.ts';
import { hubProcess } from '../tests/helpers/hub-process.ts';
import { freePort } from '../tests/helpers/net.ts';
import { percentile, rssMb } from './measure.ts';

const PRESSES = Number(process.env.BENCH_FLOW_PRESSES ?? 300);
const EVERY_MS = 50;
const PASSWORD = 'mat-khau-bench-2026';

export type FlowsResult = {
  presses: number;
  received: number;
  toOutput: { p50Ms: number; p99Ms: number; maxMs: number };
  /** The hub process: idle with TT_FLOWS=off, then with flows on (idle, and after the ratings). */
  hubRssMb: { flowsOff: number; idle: number; after: number };
  flowsRssMb: { idle: number; after: number };
};

export async function benchFlows(): Promise<FlowsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-flows-'));
  const configPath = resolve('provisioning/site.example.yaml');
  const [mqttPort, httpPort, flowsPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    TT_CONFIG: configPath,
    TT_DATA_DIR: join(dir, 'data'),
    TT_HOST: '127.0.0.1',
    TT_MQTT_PORT: String(mqttPort),
    TT_HTTP_PORT: String(httpPort),
    TT_FLOWS: 'on',
    TT_FLOWS_PORT: String(flowsPort),
  };
  mkdirSync(env.TT_DATA_DIR, { recursive: true });
  const db = openStore(storePath(env.TT_DATA_DIR));
  const registry = new DeviceRegistry(db);
  const placement = placementOf(loadSiteConfig(configPath));
  const box = {
    id: 'btn-bench',
    secret: (await registry.add({ id: 'btn-bench', kind: 'rating-button', desk: 'quay-1' }, placement))
      .secret,
  };
  const probe = {
    id: 'btn-probe',
    secret: (await registry.add({ id: 'btn-probe', kind: 'rating-button', desk: 'quay-1' }, placement))
      .secret,
  };
  await new Users(db).add({ name: 'ky-thuat', role: 'technician', password: PASSWORD });
  db.close();

  const arrivals = new Map<number, number>();
  const receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      arrivals.set(Number(JSON.parse(text).seq), performance.now());
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  // The same hub on the same data with TT_FLOWS=off first: what flows being on costs the hub itself.
  const withoutFlows = hubProcess({ ...env, TT_FLOWS: 'off' }, probe);
  await withoutFlows.start();
  await new Promise((r) => setTimeout(r, 2000));
  const flowsOffRssMb = rssMb(withoutFlows.pid()!);
  await withoutFlows.stop();

  const hub = hubProcess(env, probe);
  const flowsUrl = `http://127.0.0.1:${flowsPort}`;
  let button: SimRatingButton | undefined;
  try {
    await hub.start();
    await nodeRedUp(flowsUrl);
    const login = await fetch(`http://127.0.0.1:${httpPort}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ky-thuat', password: PASSWORD }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    await deploy(
      flowsUrl,
      cookie,
      eventsInto('rating', [
        postTo('post1', `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`),
      ]),
    );
    button = new SimRatingButton({
      url: `mqtt://127.0.0.1:${mqttPort}`,
      site: 'xa-tan-lap',
      id: box.id,
      secret: box.secret,
      fw: 'bench',
    });
    button.start();
    await pressUntilOut(
      () => button!.press(4),
      () => arrivals.size > 0,
      'the flow to run',
    );
    await new Promise((r) => setTimeout(r, 2000));
    const flowsPid = async () => ((await hub.health()).flows as { pid: number }).pid;
    const idle = { hub: rssMb(hub.pid()!), flows: rssMb(await flowsPid()) };

    const acked = new Map<number, number>();
    button.link.on('acked', (body) => acked.set(Number(body.seq), performance.now()));
    const pressed: number[] = [];
    for (let i = 0; i < PRESSES; i++) {
      pressed.push(button.press(3 + (i % 2)).seq);
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    await until(
      () => pressed.every((seq) => arrivals.has(seq) && acked.has(seq)),
      'every rating out of the flow',
      60_000,
    ).catch(() => {});
    const latencies = pressed
      .filter((s) => arrivals.has(s) && acked.has(s))
      .map((s) => arrivals.get(s)! - acked.get(s)!);
    const after = { hub: rssMb(hub.pid()!), flows: rssMb(await flowsPid()) };
    return {
      presses: PRESSES,
      received: pressed.filter((s) => arrivals.has(s)).length,
      toOutput: {
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: Math.max(...latencies),
      },
      hubRssMb: { flowsOff: flowsOffRssMb, idle: idle.hub, after: after.hub },
      flowsRssMb: { idle: idle.flows, after: after.flows },
    };
  } finally {
    await button?.stop();
    await hub.stop();
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
