import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowsHealth } from '../hub/src/flows/index.ts';
import { SimRatingButton } from '../simulators/src/devices.ts';
import { deploy, eventsInto, nodeRedUp, postTo, pressUntilOut } from './helpers/flows.ts';
import { provisionSim, sessionCookies, startTestHub, type TestHub, until } from './helpers/hub.ts';
import { freePort } from './helpers/net.ts';

// Node-RED beside the hub (docs/flows.md), the real runtime as the hub's child: its editor behind
// the hub's own users and sessions, only our palette and what the admin installs, brought back
// when it dies, gone with the hub.

let hub: TestHub;
let flowsUrl: string;
let dataDir: string;
const PASSWORD = 'mat-khau-ky-thuat-2026';

const flowsHealth = () => hub.health().flows as FlowsHealth;
const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

beforeAll(async () => {
  const port = await freePort();
  flowsUrl = `http://127.0.0.1:${port}`;
  // Inside the project, as the default data/ is: Node-RED must still not find the project's
  // node_modules (and node-red-contrib-influxdb in it) above its own files.
  dataDir = mkdtempSync(join(resolve('.'), '.tt-flows-'));
  hub = await startTestHub({ TT_FLOWS: 'on', TT_FLOWS_PORT: String(port), TT_DATA_DIR: dataDir });
  for (const [name, role] of [
    ['ky-thuat', 'technician'],
    ['phat-thanh-vien', 'operator'],
  ] as const)
    await hub.users.add({ name, role, password: PASSWORD });
  await nodeRedUp(flowsUrl);
}, 90_000);

afterAll(async () => {
  await hub?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Node-RED supervised by the hub', () => {
  it('keeps its flows and their credential secret in the data directory, for the hub only', () => {
    const dir = join(hub.dataDir, 'flows');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'credential-secret')).mode & 0o777).toBe(0o600);
    expect(flowsHealth()).toMatchObject({ running: true, restarts: 0 });
  });

  it("opens the editor's API to a technician signed in to the hub, and to no one else", async () => {
    expect(((await fetch(`${flowsUrl}/auth/login`).then((r) => r.json())) as { type: string }).type).toBe(
      'credentials',
    );
    expect((await fetch(`${flowsUrl}/flows`)).status).toBe(401);

    const technician = cookieHeader(await sessionCookies(hub, 'ky-thuat', PASSWORD));
    const asTechnician = await fetch(`${flowsUrl}/flows`, { headers: { cookie: technician } });
    expect(asTechnician.status).toBe(200);
    expect(Array.isArray(await asTechnician.json())).toBe(true);

    const operator = cookieHeader(await sessionCookies(hub, 'phat-thanh-vien', PASSWORD));
    expect((await fetch(`${flowsUrl}/flows`, { headers: { cookie: operator } })).status).toBe(401);
  });

  it("logs in with the hub's passwords in Node-RED's own form, for technicians only", async () => {
    const token = (username: string) =>
      fetch(`${flowsUrl}/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: 'node-red-admin',
          grant_type: 'password',
          scope: '*',
          username,
          password: PASSWORD,
        }),
      });
    const granted = await token('ky-thuat');
    expect(granted.status).toBe(200);
    const { access_token } = (await granted.json()) as { access_token: string };
    expect(
      (await fetch(`${flowsUrl}/flows`, { headers: { authorization: `Bearer ${access_token}` } })).status,
    ).toBe(200);
    expect((await token('phat-thanh-vien')).status).toBe(403); // Node-RED's answer to a refused login
  });

  it('loads only its own palette, not the Node-RED nodes that happen to sit in node_modules above it', async () => {
    const technician = cookieHeader(await sessionCookies(hub, 'ky-thuat', PASSWORD));
    const nodes = (await fetch(`${flowsUrl}/nodes`, {
      headers: { cookie: technician, accept: 'application/json' },
    }).then((r) => r.json())) as Array<{ module: string; types: string[] }>;
    const modules = new Set(nodes.map((n) => n.module));
    expect(modules.has('node-red')).toBe(true); // inject, function, debug, http request, …
    expect(nodes.flatMap((n) => n.types)).toContain('function');
    expect(modules.has('node-red-contrib-thanthien')).toBe(true); // ours
    // The bench's peer installs node-red-contrib-influxdb into this project's node_modules.
    expect(modules.has('node-red-contrib-influxdb')).toBe(false);
  });

  it("takes a box's rating, over real MQTT and the hub's event stream, to a deployed flow's output", async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    try {
      const technician = cookieHeader(await sessionCookies(hub, 'ky-thuat', PASSWORD));
      const deployed = await deploy(
        flowsUrl,
        technician,
        eventsInto('rating', [postTo('post1', `http://127.0.0.1:${port}/`)]),
      );
      expect(deployed.status).toBe(204); // Node-RED: deployed, nothing to say
      const box = new SimRatingButton(
        await provisionSim(hub, { id: 'btn-flows', kind: 'rating-button', desk: 'quay-3' }),
      );
      box.start();
      try {
        const pressed = new Set<number>();
        await pressUntilOut(
          () => pressed.add(box.press(3, 4).seq),
          () => bodies.length > 0,
          "a rating at the flow's output",
        );
        expect(bodies[0]).toMatchObject({
          desk: 'quay-3',
          device: 'btn-flows',
          score: 3,
          misuse: expect.any(String),
        });
        expect(pressed.has(bodies[0]!.seq as number)).toBe(true);
      } finally {
        await box.stop();
      }
    } finally {
      receiver.close();
    }
  }, 90_000);

  it("never shows a flow's HTTP endpoint the hub's session cookie", async () => {
    const technician = cookieHeader(await sessionCookies(hub, 'ky-thuat', PASSWORD));
    const deployed = await deploy(flowsUrl, technician, [
      { id: 'tab2', type: 'tab', label: 'HTTP' },
      { id: 'httpin', type: 'http in', z: 'tab2', url: '/echo', method: 'get', wires: [['echo']] },
      {
        id: 'echo',
        type: 'function',
        z: 'tab2',
        func: 'msg.payload = msg.req.headers.cookie || "";\nreturn msg;',
        outputs: 1,
        wires: [['httpout']],
      },
      { id: 'httpout', type: 'http response', z: 'tab2', wires: [] },
    ]);
    expect(deployed.status).toBe(204);
    let seen = '';
    await until(
      async () => {
        const res = await fetch(`${flowsUrl}/endpoints/echo`, {
          headers: { cookie: `${technician}; theme=dark` },
        });
        seen = res.ok ? await res.text() : '';
        return res.ok;
      },
      'the endpoint deployed',
      30_000,
    );
    expect(seen).toContain('theme=dark');
    expect(seen).not.toContain('tt_session');
  });

  it('starts it again when it is killed, and takes it down with the hub', async () => {
    const { pid } = flowsHealth();
    process.kill(pid!, 'SIGKILL');
    await until(
      () => flowsHealth().restarts === 1 && flowsHealth().running,
      'the flows process back',
      30_000,
    );
    await nodeRedUp(flowsUrl, 'Node-RED to answer again');
    const again = flowsHealth().pid!;
    expect(again).not.toBe(pid);

    await hub.close();
    expect(() => process.kill(again, 0)).toThrow(/ESRCH/);
  }, 120_000);
});
