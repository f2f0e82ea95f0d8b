import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import { devicePrefix, deviceTopic } from '../protocol/index.ts';
import { startTestHub, type TestHub } from './helpers/hub.ts';

// Issue 2: at least 10,000 generated malformed topics and payloads never crash the hub; each is
// rejected, counted and logged with its reason. Sent over real MQTT by a provisioned device.

let hub: TestHub;
let client: MqttClient;
let secret: string;
const DEVICE = 'btn-fuzz';
const OWN_RUNS = 9_500;
const FOREIGN_RUNS = 500;

const rejectedTotal = () => (hub.health().rejected as { total: number }).total;
const rejectedRows = () =>
  Number((hub.store.prepare('SELECT COUNT(*) AS n FROM rejected').get() as { n: number }).n);

beforeAll(async () => {
  hub = await startTestHub({ TT_LOG_LEVEL: 'warn' });
  const placement = placementOf(hub.config);
  secret = (
    await hub.devices.add({ id: DEVICE, kind: 'rating-button', desk: placement.desks[0]! }, placement)
  ).secret;
  client = await mqtt.connectAsync(hub.url, {
    clientId: DEVICE,
    username: DEVICE,
    password: secret,
    reconnectPeriod: 0,
  });
});

afterAll(async () => {
  await client?.endAsync();
  await hub?.close();
});

// Topic levels without the MQTT wildcards and NUL, which the MQTT layer itself refuses.
const level = fc.string({ unit: fc.constantFrom(...'abcxyz019-_.~ àđ/Ệ'.split('')), maxLength: 12 });
const validTails = new Set(['state', 'telemetry', 'ack', 'evt/rating', 'evt/rating-reason', 'evt/presence']);

/** A topic under the device's own prefix that is not one of protocol v1's topics. */
const badOwnTopic = fc
  .oneof(
    level.map((l) => `evt/${l}`),
    level,
    fc.tuple(fc.constantFrom('state', 'telemetry', 'ack', 'evt/rating'), level).map(([t, l]) => `${t}/${l}`),
  )
  .filter((tail) => !validTails.has(tail) && tail !== 'cmd')
  .map((tail) => devicePrefix(hubSite(), DEVICE) + tail);

const validTopic = fc.constantFrom(
  'state',
  'telemetry',
  'ack',
  'evt/rating',
  'evt/rating-reason',
  'evt/presence',
);

/** Payloads that can never be a valid protocol v1 message (each breaks a required field). */
const badPayload = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
  fc.json({ maxDepth: 2 }).map((s) => Buffer.from(s)),
  fc
    .record({
      boot: fc.oneof(fc.constant(''), fc.string({ maxLength: 3 }), fc.integer()),
      seq: fc.oneof(fc.integer({ max: -1 }), fc.double(), fc.string()),
      score: fc.integer({ min: 6, max: 99 }),
      online: fc.string(),
      present: fc.string(),
      uptime_s: fc.constant(-1),
      id: fc.constant(''),
    })
    .map((o) => Buffer.from(JSON.stringify(o))),
  fc.constant(Buffer.from([0xc3, 0x28])), // invalid UTF-8
);

describe('malformed input never crashes the hub', () => {
  it(`rejects, counts and logs ${OWN_RUNS} malformed messages on the device's own topics`, async () => {
    const message = fc.oneof(
      fc.record({ topic: badOwnTopic, payload: badPayload }),
      fc.record({
        topic: validTopic.map((tail) => devicePrefix(hubSite(), DEVICE) + tail),
        payload: badPayload,
      }),
    );
    await fc.assert(
      fc.asyncProperty(message, async ({ topic, payload }) => {
        const before = rejectedTotal();
        await client.publishAsync(topic, payload, { qos: 1 });
        expect(rejectedTotal()).toBe(before + 1);
      }),
      { numRuns: OWN_RUNS, seed: 20261122 },
    );
    expect(client.connected).toBe(true);
  });

  it(`refuses ${FOREIGN_RUNS} publishes outside the device's own topics`, async () => {
    const foreign = fc.oneof(
      fc
        .constantFrom('btn-other', 'pir-quay-1', 'loa-thon-dong')
        .map((d) => deviceTopic(hubSite(), d, { family: 'evt', event: 'rating' })),
      level.map((l) => `thanthien/v1/${hubSite()}/${l}`),
      level.map((l) => `other/${l}`),
      fc.constant(deviceTopic(hubSite(), DEVICE, { family: 'cmd' })),
      level.map((l) => `$SYS/${l}`),
    );
    await fc.assert(
      fc.asyncProperty(foreign, async (topic) => {
        const before = rejectedTotal();
        const c = await mqtt.connectAsync(hub.url, {
          clientId: DEVICE,
          username: DEVICE,
          password: secret,
          reconnectPeriod: 0,
        });
        const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
        c.publish(topic, '{}', { qos: 1 });
        await closed; // [MQTT-3.3.5-2] the hub closes the connection
        c.end(true);
        expect(rejectedTotal()).toBe(before + 1);
      }),
      { numRuns: FOREIGN_RUNS, seed: 20261122 },
    );
  });

  it('still accepts valid input afterwards, and every rejection is stored with its reason', async () => {
    const ok = await mqtt.connectAsync(hub.url, {
      clientId: DEVICE,
      username: DEVICE,
      password: secret,
      reconnectPeriod: 0,
    });
    await ok.publishAsync(
      deviceTopic(hubSite(), DEVICE, { family: 'evt', event: 'rating' }),
      JSON.stringify({ boot: 'fuzz0001', seq: 0, score: 3, scale: 4 }),
      { qos: 1 },
    );
    await ok.endAsync();
    expect((hub.health().ingest as { accepted: number }).accepted).toBe(1);
    expect(rejectedRows()).toBeGreaterThanOrEqual(OWN_RUNS + FOREIGN_RUNS);
    const reasons = hub.store.prepare("SELECT COUNT(*) AS n FROM rejected WHERE reason = ''").get() as {
      n: number;
    };
    expect(Number(reasons.n)).toBe(0);
    expect(hub.logs.filter((l) => l.msg.startsWith('rejected: ')).length).toBeGreaterThanOrEqual(
      OWN_RUNS + FOREIGN_RUNS,
    );
  });
});

function hubSite(): string {
  return hub.config.site.code;
}
