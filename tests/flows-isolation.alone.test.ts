import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statement } from '../hub/src/store/index.ts';
import { SimRatingButton } from '../simulators/src/devices.ts';
import { deploy, eventsInto, nodeRedUp, postTo, pressUntilOut } from './helpers/flows.ts';
import { provisionSim, sessionCookies, startTestHub, type TestHub, until } from './helpers/hub.ts';
import { freePort } from './helpers/net.ts';

// A technician's broken flows cannot hurt the hub (docs/flows.md): for a minute, one flow throws on
// every rating and another loops forever on each, while a box presses ten times a second. The hub
// acknowledges every press quickly and keeps every one; Node-RED is its own process.

const PRESSES = 600;
const EVERY_MS = 100;

let hub: TestHub;
let probe: Server;
let probed = 0;
let box: SimRatingButton;

beforeAll(async () => {
  const flowsPort = await freePort();
  hub = await startTestHub({ TT_FLOWS: 'on', TT_FLOWS_PORT: String(flowsPort) });
  await hub.users.add({ name: 'ky-thuat', role: 'technician', password: 'mat-khau-ky-thuat-2026' });
  const flowsUrl = `http://127.0.0.1:${flowsPort}`;
  await nodeRedUp(flowsUrl);
  probe = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      probed += 1;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const cookie = Object.entries(await sessionCookies(hub, 'ky-thuat', 'mat-khau-ky-thuat-2026'))
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
  const deployed = await deploy(
    flowsUrl,
    cookie,
    eventsInto('rating', [
      { id: 'throws', type: 'function', func: "throw new Error('hỏng / broken');", outputs: 1 },
      { id: 'loops', type: 'function', func: 'while (true) {}', outputs: 1 },
      // Only to know the flows run: the first rating reaches it, then the loop holds Node-RED.
      postTo('ready', `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`),
    ]),
  );
  expect(deployed.status).toBe(204);
  box = new SimRatingButton(
    await provisionSim(hub, { id: 'btn-ben-bi', kind: 'rating-button', desk: 'quay-1' }),
  );
  box.start();
  await until(() => hub.devices.get('btn-ben-bi')?.online === true, 'the box online');
  await pressUntilOut(
    () => box.press(4),
    () => probed > 0,
    'the broken flows to run',
  );
}, 120_000);

afterAll(async () => {
  await box?.stop();
  probe?.close();
  await hub?.close();
});

describe('broken flows beside the hub', () => {
  it('leave every press acknowledged at once and kept, for a minute', async () => {
    const stored = () =>
      Number(
        (
          statement(hub.store, "SELECT COUNT(*) AS n FROM events WHERE device = 'btn-ben-bi'").get() as {
            n: number;
          }
        ).n,
      );
    const before = stored();
    const pressedAt = new Map<number, number>();
    const latencies: number[] = [];
    box.link.on('acked', (body) => {
      const at = pressedAt.get(Number(body.seq));
      if (at !== undefined) latencies.push(performance.now() - at);
    });
    for (let i = 0; i < PRESSES; i++) {
      pressedAt.set(box.press(3 + (i % 2)).seq, performance.now());
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    await until(() => latencies.length === PRESSES, 'every press acknowledged', 30_000);
    expect(stored() - before).toBe(PRESSES);
    latencies.sort((a, b) => a - b);
    // Generous bounds on a shared 2-core machine, one of whose cores the looping flow takes: a hub
    // held by a flow would take seconds. The p99 read 504 ms once in CI, in an hour when this host
    // ran the same code half again as slowly (docs/benchmarks.md): bounded at 1 s, under the max's 2.
    expect(latencies[Math.floor(PRESSES * 0.99)]).toBeLessThan(1_000);
    expect(latencies.at(-1)).toBeLessThan(2000);
    // Node-RED was busy all along in its own process, and is still there.
    expect(hub.health().flows).toMatchObject({ running: true, restarts: 0 });
  }, 120_000);
});
