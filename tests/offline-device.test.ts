import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceLink } from '../firmware/src/link/index.ts';
import { placementOf } from '../hub/src/devices/index.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';
import { outboxPoints } from './helpers/outbox-points.ts';

// A box offline while 500 presses are made delivers all 500 when it comes back, in order.

let hub: TestHub;
let box: DeviceLink;

beforeAll(async () => {
  hub = await startTestHub();
  const placement = placementOf(hub.config);
  const { secret } = await hub.devices.add(
    { id: 'btn-offline', kind: 'rating-button', desk: placement.desks[0]! },
    placement,
  );
  let ticks = 0;
  box = new DeviceLink({
    url: hub.url,
    site: hub.config.site.code,
    id: 'btn-offline',
    secret,
    kind: 'rating-button',
    fw: 'test',
    reconnectPeriodMs: 100,
    clock: () => new Date(Date.UTC(2026, 10, 17, 1, 0) + 1000 * ticks++),
  });
});

afterAll(async () => {
  await box?.stop();
  await hub?.close();
});

describe('a box that was offline', () => {
  it('delivers all 500 presses in order when it comes back', async () => {
    box.start();
    await until(() => box.connected, 'connected');
    box.cut();
    await until(() => !hub.devices.get('btn-offline')!.online, 'offline at the hub');
    for (let i = 0; i < 500; i++) box.record('rating', { score: 1 + (i % 4), scale: 4 });
    expect(box.queueLength).toBe(500);
    box.reconnect();
    await until(() => box.queueLength === 0, 'queue drained', 60_000);
    const arrived = outboxPoints(hub.store, 'rating').map((p) => p.fields.seq);
    expect(arrived).toEqual([...Array(500).keys()]);
  });
});
