import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHubError } from '../hub/src/errors.ts';
import { SimPresenceSensor, SimRatingButton } from '../simulators/src/devices.ts';
import { thanthien } from './helpers/cli.ts';
import {
  EXAMPLE_CONFIG,
  provisionSim,
  sessionCookies,
  startTestHub,
  type TestHub,
  until,
} from './helpers/hub.ts';
import { hubProcess } from './helpers/hub-process.ts';
import { freePort } from './helpers/net.ts';

// One hub per data directory: a second start on a directory in use refuses, naming the directory
// and the running hub, and writes nothing, so the first hub's device states and board stay true
// (and keep following the broker's own sessions).

let hub: TestHub;
let cookies: { tt_session: string };
let sensor: SimPresenceSensor;
let button: SimRatingButton;
let desk: string;

type Board = {
  desks: Array<{ id: string; state: string; sensors: Array<{ device: string; online: boolean }> }>;
};
const board = async (): Promise<Board> =>
  (await hub.http.inject({ method: 'GET', url: '/api/v1/desks', cookies })).json();
const deskOnBoard = async () => (await board()).desks.find((d) => d.id === desk)!;

beforeAll(async () => {
  hub = await startTestHub();
  desk = hub.config.desks[0]!.id;
  const { password } = await hub.users.add({ name: 'lanh-dao', role: 'leader' });
  cookies = await sessionCookies(hub, 'lanh-dao', password);
  sensor = new SimPresenceSensor({
    ...(await provisionSim(hub, { id: 'pir-lock', kind: 'presence-sensor', desk })),
    present: true,
  });
  button = new SimRatingButton(await provisionSim(hub, { id: 'btn-lock', kind: 'rating-button', desk }));
  sensor.start();
  button.start();
  await until(async () => (await deskOnBoard()).state === 'present', 'the desk staffed on the board');
  await until(() => hub.devices.get('btn-lock')?.online === true, 'the rating box online');
});

afterAll(async () => {
  await sensor?.stop();
  await button?.stop();
  await hub?.close();
});

describe('a second hub on a data directory in use', () => {
  it('refuses with a message naming the directory and the running hub, and changes nothing', async () => {
    const before = { board: await board(), devices: hub.devices.list() };
    const ports = { TT_MQTT_PORT: String(await freePort()), TT_HTTP_PORT: String(await freePort()) };
    const env = { TT_DATA_DIR: hub.dataDir, TT_CONFIG: EXAMPLE_CONFIG, TT_HOST: '127.0.0.1', ...ports };

    const second = await thanthien(['hub'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('Lỗi [TT_HUB_RUNNING]: một trạm khác đang chạy trên thư mục dữ liệu này');
    expect(second.stderr).toContain('Error [TT_HUB_RUNNING]: another hub is running on this data directory');
    expect(second.stderr).toContain(hub.dataDir);
    expect(second.stderr).toContain(`pid ${process.pid}`);
    expect(second.stderr).toContain(`HTTP ${hub.httpPort}, MQTT ${hub.mqttPort}`);

    // Asking for help starts nothing at all.
    const help = await thanthien(['hub', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Cách dùng: thanthien hub');
    expect(help.stdout).toContain('Usage: thanthien hub');

    // The same in-process, as the composition root sees it.
    const third = await startTestHub({ TT_DATA_DIR: hub.dataDir }).catch((err: unknown) => err);
    expect(isHubError(third) && third.code).toBe('TT_HUB_RUNNING');

    expect(hub.devices.list()).toEqual(before.devices);
    expect(hub.devices.get('pir-lock')!.online).toBe(true);
    expect((await board()).desks).toEqual(before.board.desks);
  });

  it('leaves the first hub following real disconnects: a sensor that goes away makes its desk unknown', async () => {
    sensor.link.cut();
    await until(async () => (await deskOnBoard()).state === 'unknown', 'the desk unknown after the will');
    expect((await deskOnBoard()).sensors).toEqual([{ device: 'pir-lock', online: false }]);
    expect(hub.devices.get('pir-lock')!.online).toBe(false);
    sensor.link.reconnect();
    await until(async () => (await deskOnBoard()).state === 'present', 'the desk staffed again');
  });
});

describe('the lock on a data directory', () => {
  it('goes with the hub: after a SIGKILL, or a clean stop, the next hub starts on the same directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tt-lock-'));
    try {
      const env = {
        TT_CONFIG: EXAMPLE_CONFIG,
        TT_DATA_DIR: dataDir,
        TT_HOST: '127.0.0.1',
        TT_MQTT_PORT: String(await freePort()),
        TT_HTTP_PORT: String(await freePort()),
      };
      const first = await startTestHub(env);
      // A device that exists in the store, to probe the broker with.
      const probe = await provisionSim(first, { id: 'btn-probe', kind: 'rating-button', desk });
      await first.close();
      const killed = hubProcess(env, { id: probe.id, secret: probe.secret });
      await killed.start();
      await killed.kill();
      const next = await startTestHub(env);
      await next.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
