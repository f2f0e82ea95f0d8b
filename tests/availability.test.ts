import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import { deviceTopic, hubStateTopic } from '../protocol/index.ts';
import { type SimDeviceSpec, SimulatedCommune } from '../simulators/src/commune.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';

// Issue 2: the simulator with 50 devices runs against the hub; every device is seen online, then
// offline after its connection is cut (will), then online again.

let hub: TestHub;
let specs: SimDeviceSpec[];
let commune: SimulatedCommune;
const onlineCount = () => hub.devices.list().filter((d) => d.online).length;

beforeAll(async () => {
  hub = await startTestHub();
  const placement = placementOf(hub.config);
  const kinds = ['rating-button', 'presence-sensor', 'speaker'] as const;
  specs = [];
  for (let i = 0; i < 50; i++) {
    const kind = kinds[i % 3]!;
    const id = `sim-${kind.split('-')[0]}-${String(i).padStart(2, '0')}`;
    const place =
      kind === 'speaker'
        ? { zone: placement.zones[i % placement.zones.length]! }
        : { desk: placement.desks[i % placement.desks.length]! };
    const { secret } = await hub.devices.add({ id, kind, ...place }, placement);
    specs.push({ id, secret, kind, ...place });
  }
  commune = new SimulatedCommune({ url: hub.url, site: hub.config.site.code, devices: specs });
});

afterAll(async () => {
  await commune?.stop();
  await hub?.close();
});

describe('device availability from birth and will', () => {
  it('sees all 50 devices online, offline after their connections are cut, and online again', async () => {
    await commune.start();
    await until(() => onlineCount() === 50, 'all 50 online');
    const boots = new Map(hub.devices.list().map((d) => [d.id, d.boot]));

    commune.cutAll();
    await until(() => onlineCount() === 0, 'all 50 offline after the cut');
    // The store says offline at its commit; the log line follows once the commit is on disk.
    const loggedOffline = () =>
      new Set(hub.logs.filter((l) => l.msg === 'device offline').map((l) => l.device));
    await until(() => loggedOffline().size === 50, 'all 50 logged offline');

    commune.reconnectAll();
    await until(() => onlineCount() === 50, 'all 50 online again');
    // Same program run, so the same boot: a reconnect is not a reboot.
    expect(new Map(hub.devices.list().map((d) => [d.id, d.boot]))).toEqual(boots);
    expect((hub.health().mqtt as { clients: number }).clients).toBe(50);
  });

  it('ignores a stale will from an earlier boot', async () => {
    const device = specs[0]!;
    const current = hub.devices.get(device.id)!;
    expect(current.online).toBe(true);
    // The will of the previous boot, arriving late (e.g. after a quick restart of the device).
    const sim = commune.devices.find((d) => d.link.id === device.id)!;
    await sim.link.publishRaw(deviceTopic(hub.config.site.code, device.id, { family: 'state' }), {
      online: false,
      boot: 'oldboot1',
    });
    await until(
      () => hub.logs.some((l) => l.msg === 'stale will ignored' && l.device === device.id),
      'stale will log',
    );
    expect(hub.devices.get(device.id)!.online).toBe(true);
  });

  it("publishes the hub's birth on hub/state, which devices may read", async () => {
    const placement = placementOf(hub.config);
    const { secret } = await hub.devices.add(
      { id: 'btn-reader', kind: 'rating-button', desk: placement.desks[0]! },
      placement,
    );
    const client = await mqtt.connectAsync(hub.url, {
      clientId: 'btn-reader',
      username: 'btn-reader',
      password: secret,
      reconnectPeriod: 0,
    });
    const message = new Promise<string>((resolve) =>
      client.once('message', (_t, payload) => resolve(String(payload))),
    );
    await client.subscribeAsync(hubStateTopic(hub.config.site.code), { qos: 1 });
    expect(JSON.parse(await message)).toMatchObject({ online: true, version: expect.any(String) });
    await client.endAsync();
  });

  it('marks devices offline when they stop cleanly', async () => {
    await until(() => onlineCount() >= 49, 'devices back');
    await commune.stop();
    await until(() => onlineCount() === 0, 'all offline after a clean stop');
  });
});

describe('a birth and a DISCONNECT read together', () => {
  it('commits the birth first, so the device ends offline', async () => {
    const placement = placementOf(hub.config);
    const id = 'btn-birth-bye';
    const { secret } = await hub.devices.add(
      { id, kind: 'rating-button', desk: placement.desks[0]! },
      placement,
    );
    const { Publisher } = await import('../bench/publisher.ts');
    const mqttPacket = (await import('mqtt-packet')).default;
    const box = await Publisher.open(Number(new URL(hub.url).port), {
      clientId: id,
      username: id,
      password: secret,
    });
    const birth = JSON.stringify({ online: true, kind: 'rating-button', fw: '1.0.0', boot: 'boot0001' });
    // Both in one write: aedes parses them from the same chunk.
    box.writeRaw(
      Buffer.concat([
        mqttPacket.generate({
          cmd: 'publish',
          qos: 1,
          messageId: 1,
          topic: deviceTopic(hub.config.site.code, id, { family: 'state' }),
          payload: birth,
          retain: true,
          dup: false,
        }),
        mqttPacket.generate({ cmd: 'disconnect' }),
      ]),
    );
    await until(() => hub.logs.some((l) => l.msg === 'device offline' && l.device === id), 'offline logged');
    expect(hub.devices.get(id)!.online).toBe(false);
  });
});
