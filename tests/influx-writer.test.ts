import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';
import { type Influxd, startInfluxd } from './helpers/influxd.ts';

// The outbox drained to a real InfluxDB 1.x (Debian's influxd, started here), through an outage.

let influxd: Influxd;
let hub: TestHub;
let client: MqttClient;
let desk: { id: string; officer: string };
const T0 = Date.UTC(2026, 10, 20, 1, 0, 0, 0); // Friday 08:00 in Hà Nội

/** Ratings made one second apart from `start` (a distinct time each: same tags and time are one point). */
const publishRatings = async (boot: string, start: number, count: number) => {
  for (let seq = 0; seq < count; seq++) {
    await client.publishAsync(
      deviceTopic(hub.config.site.code, 'btn-influx', { family: 'evt', event: 'rating' }),
      JSON.stringify({
        boot,
        seq,
        score: 1 + (seq % 4),
        scale: 4,
        ts: new Date(start + seq * 1000).toISOString(),
      }),
      { qos: 1 },
    );
  }
};
const ratingCount = async () => {
  const rows = await influxd.query('SELECT COUNT(score) AS n FROM rating').catch(() => []);
  return Number(rows[0]?.n ?? 0);
};

beforeAll(async () => {
  influxd = await startInfluxd();
  hub = await startTestHub({ TT_INFLUX_URL: `${influxd.url}/thanthien` });
  const placement = placementOf(hub.config);
  desk = hub.config.desks[0]!;
  const { secret } = await hub.devices.add(
    { id: 'btn-influx', kind: 'rating-button', desk: desk.id },
    placement,
  );
  client = await mqtt.connectAsync(hub.url, {
    clientId: 'btn-influx',
    username: 'btn-influx',
    password: secret,
  });
});

afterAll(async () => {
  await client?.endAsync();
  await hub?.close();
  await influxd?.close();
});

describe('InfluxDB writer', () => {
  it('creates the database and writes each event as one point with integer fields and its tags', async () => {
    await publishRatings('influx01', T0, 200);
    await until(async () => (await ratingCount()) === 200, '200 points in InfluxDB');
    await until(
      () =>
        hub.health().store !== undefined &&
        (hub.health().store as { outbox_backlog: number }).outbox_backlog === 0,
      'empty outbox',
    );
    const [first] = await influxd.query(`SELECT * FROM rating WHERE seq = 0`);
    expect(first).toMatchObject({
      time: T0,
      desk: desk.id,
      device: 'btn-influx',
      officer: desk.officer,
      score: 1,
      unsatisfied: 1,
      boot: 'influx01',
    });
    const types = await influxd.query('SHOW FIELD KEYS FROM rating');
    expect(types).toEqual(
      expect.arrayContaining([
        { fieldKey: 'score', fieldType: 'integer' },
        { fieldKey: 'boot', fieldType: 'string' },
      ]),
    );
    expect(hub.health()).toMatchObject({ status: 'ok', influx: { configured: true, state: 'writing' } });
  });

  it('keeps points in the outbox while InfluxDB is down, says so, and delivers them once it is back', async () => {
    await influxd.stop();
    await publishRatings('influx02', T0 + 3_600_000, 300);
    await until(() => hub.health().status === 'degraded', 'degraded health', 30_000);
    expect((hub.health().store as { outbox_backlog: number }).outbox_backlog).toBeGreaterThanOrEqual(300);
    expect(hub.health().problems.join(' ')).toMatch(/InfluxDB unreachable since .*points wait in the outbox/);
    await influxd.start();
    await until(async () => (await ratingCount()) === 500, 'all 500 points after the outage', 60_000);
    await until(() => hub.health().status === 'ok', 'healthy again');
    // Redelivering the same events (a device that missed its PUBACKs) adds nothing.
    await publishRatings('influx02', T0 + 3_600_000, 300);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await ratingCount()).toBe(500);
  });
});
