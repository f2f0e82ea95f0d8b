import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../hub/src/bus.ts';
import { Outbox } from '../hub/src/ingest/index.ts';
import { EventStream } from '../hub/src/integrations/index.ts';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore } from '../hub/src/store/index.ts';
import { hubEventsPrefix, hubStateTopic } from '../protocol/index.ts';
import { SimPresenceSensor, SimRatingButton } from '../simulators/src/devices.ts';
import { thanthien } from './helpers/cli.ts';
import { EXAMPLE_CONFIG, provisionSim, startTestHub, type TestHub, until } from './helpers/hub.ts';

// The hub's event stream for integrators (docs/protocol.md): an integration client with its own
// credentials reads what the hub made durable, as it happens, and can do nothing else.

let hub: TestHub;
let site: string;
let integrator: MqttClient;
let secret: string;
const received: Array<{ topic: string; body: Record<string, unknown> }> = [];
const sims: Array<{ stop: () => Promise<void> }> = [];

const of = (type: string) => received.filter((m) => m.topic === `${hubEventsPrefix(site)}${type}`);
const connectAs = (id: string, password: string) =>
  mqtt.connectAsync(hub.url, { clientId: id, username: id, password, reconnectPeriod: 0 });

// The hub's clock (and its devices') runs from Monday 23/11/2026 09:00 in the commune: an unsatisfied
// rating raises its alert only in office hours, whenever this test runs.
const offsetMs = Date.parse('2026-11-23T09:00:00+07:00') - Date.now();
const clock = () => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  hub = await startTestHub({}, clock);
  site = hub.config.site.code;
  ({ secret } = await hub.integrations.add('nodered-huyen'));
  integrator = await connectAs('nodered-huyen', secret);
  integrator.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(String(payload)) }));
  const granted = await integrator.subscribeAsync(`${hubEventsPrefix(site)}#`, { qos: 1 });
  expect(granted[0]!.qos).toBe(1);
});

afterAll(async () => {
  await integrator?.endAsync();
  await Promise.all(sims.map((s) => s.stop()));
  await hub?.close();
});

describe('the hub event stream', () => {
  it('carries ratings with desk, official and misuse, reasons, presence, devices and alerts', async () => {
    const button = new SimRatingButton({
      ...(await provisionSim(hub, { id: 'btn-q1', kind: 'rating-button', desk: 'quay-1' })),
      clock,
    });
    const sensor = new SimPresenceSensor({
      ...(await provisionSim(hub, { id: 'pir-q1', kind: 'presence-sensor', desk: 'quay-1' })),
      clock,
      present: true,
    });
    sims.push(button, sensor);
    button.start();
    sensor.start();
    await until(
      () => of('device').length >= 2 && of('presence').length >= 1,
      'devices online and a presence report',
    );
    expect(
      of('device')
        .map((m) => [m.body.device, m.body.online])
        .sort(),
    ).toEqual([
      ['btn-q1', 1],
      ['pir-q1', 1],
    ]);
    expect(of('presence')[0]!.body).toMatchObject({ site, desk: 'quay-1', device: 'pir-q1', present: 1 });

    const rating = button.press(1, 4);
    button.reason(rating.seq, 'waiting');
    await until(
      () => of('rating').length === 1 && of('rating-reason').length === 1 && of('alert').length === 1,
      'the rating, its reason and its alert',
    );
    const [sent] = of('rating');
    expect(sent!.body).toMatchObject({
      site,
      desk: 'quay-1',
      device: 'btn-q1',
      officer: hub.config.desks.find((d) => d.id === 'quay-1')!.officer,
      score: 1,
      scale: 4,
      unsatisfied: 1,
      satisfied: 0,
      seq: rating.seq,
    });
    expect(typeof sent!.body.time).toBe('string');
    expect(of('rating-reason')[0]!.body).toMatchObject({
      desk: 'quay-1',
      reason: 'waiting',
      ref: rating.seq,
    });
    expect(of('alert')[0]!.body).toMatchObject({
      action: 'raised',
      kind: 'unsatisfied-rating',
      desk: 'quay-1',
      state: 'open',
    });

    await button.stop();
    await until(
      () => of('device').some((m) => m.body.device === 'btn-q1' && m.body.online === 0),
      'btn-q1 offline',
    );
  });

  it('lets an integration read only the events and the hub state, and publish nothing', async () => {
    // SUBACK 0x80 for the filter: mqtt.js answers it as an error.
    await expect(integrator.subscribeAsync(`thanthien/v1/${site}/dev/#`, { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    const state = await integrator.subscribeAsync(hubStateTopic(site), { qos: 1 });
    expect(state[0]!.qos).toBe(1);

    const other = await connectAs('nodered-huyen', secret); // takes over the session, as MQTT says
    const closed = new Promise<void>((resolve) => other.once('close', () => resolve()));
    other.publish(`thanthien/v1/${site}/dev/btn-q1/evt/rating`, '{}', { qos: 1 });
    await closed; // [MQTT-3.3.5-2] an unauthorised publish closes the connection
    expect(hub.health().rejected).toMatchObject({ 'acl-publish': 1 });
    integrator = await connectAs('nodered-huyen', secret);
  });

  it('is not for devices', async () => {
    const { secret: deviceSecret } = await provisionSim(hub, {
      id: 'btn-q2',
      kind: 'rating-button',
      desk: 'quay-2',
    });
    const device = await connectAs('btn-q2', deviceSecret);
    await expect(device.subscribeAsync(`${hubEventsPrefix(site)}#`, { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    await device.endAsync();
  });

  it('is given and taken away by the CLI; a revoked integration is closed at once and refused after', async () => {
    const env = { TT_DATA_DIR: hub.dataDir, TT_CONFIG: EXAMPLE_CONFIG };
    const added = await thanthien(['integration', 'add', 'bao-cao-tinh', '--json'], env);
    expect(added.code).toBe(0);
    const access = JSON.parse(added.stdout);
    expect(access).toMatchObject({ id: 'bao-cao-tinh', events: `${hubEventsPrefix(site)}#` });
    const client = await connectAs(access.id, access.secret);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const revoked = await thanthien(['integration', 'revoke', 'bao-cao-tinh'], env);
    expect(revoked.stdout).toContain('Integration bao-cao-tinh revoked');
    await closed;
    await expect(connectAs(access.id, access.secret)).rejects.toThrow(/Not authorized/);
    const listed = await thanthien(['integration', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([
      { id: 'bao-cao-tinh', created_at: expect.any(String), revoked: true },
      { id: 'nodered-huyen', created_at: expect.any(String), revoked: false },
    ]);
  }, 60_000);
});

describe('what the stream carries, and when', () => {
  const broadcastPoint = {
    measurement: 'broadcast',
    tags: { site: 'xa-tan-lap', zone: 'thon-dong', program: '7', speaker: 'loa-d1', priority: 'normal' },
    fields: { status: 'played', offset_ms: 40, played_s: 180 },
    timeMs: Date.parse('2026-11-24T06:00:00+07:00'),
  };

  function stack() {
    const db = openStore(':memory:');
    const log = createLogger('silent');
    const commits = new GroupCommit(db, log);
    const outbox = new Outbox(db, commits);
    const bus = new EventBus(log);
    const sent: Array<{ topic: string; body: Record<string, unknown> }> = [];
    const stream = new EventStream({
      site: 'xa-tan-lap',
      outbox,
      bus,
      publish: async (topic, body) => {
        sent.push({ topic, body: body as Record<string, unknown> });
      },
      log,
    });
    stream.start();
    return { commits, outbox, bus, stream, sent };
  }

  it('streams a broadcast outcome as the play log wrote it, only while an integration listens', async () => {
    const { commits, outbox, stream, sent } = stack();
    // Each outcome in a commit of its own, as the radio writes its play log.
    const logged = () => commits.now(() => outbox.add(broadcastPoint));
    logged(); // nobody connected: nothing
    stream.listeners(1);
    logged();
    stream.listeners(0);
    logged();
    expect(sent).toEqual([
      {
        topic: 'thanthien/v1/xa-tan-lap/hub/events/broadcast',
        body: {
          time: '2026-11-23T23:00:00.000Z',
          site: 'xa-tan-lap',
          zone: 'thon-dong',
          program: '7',
          speaker: 'loa-d1',
          priority: 'normal',
          status: 'played',
          offset_ms: 40,
          played_s: 180,
        },
      },
    ]);
  });

  it('never streams what a unit of work rolled back, and the rest only after its commit', async () => {
    const { commits, outbox, stream, sent } = stack();
    stream.listeners(1);
    const failed = await new Promise<Error | undefined>((resolve) =>
      commits.submit(() => {
        outbox.add(broadcastPoint);
        throw new Error('the store said no');
      }, resolve),
    );
    expect(failed?.message).toBe('the store said no');
    let seenBeforeDone = -1;
    await new Promise<void>((resolve) =>
      commits.submit(
        () => outbox.add({ ...broadcastPoint, fields: { ...broadcastPoint.fields, status: 'missed' } }),
        () => {
          seenBeforeDone = sent.length;
          resolve();
        },
      ),
    );
    expect(sent.map((m) => m.body.status)).toEqual(['missed']);
    expect(seenBeforeDone).toBe(1); // published once durable, before the PUBACK's callback
  });

  it("streams every step of an alert, and leaves out the hub's own health", () => {
    const { bus, outbox, stream, sent } = stack();
    stream.listeners(1);
    outbox.add({ measurement: 'hub', tags: { site: 'xa-tan-lap' }, fields: { rss_mb: 120 }, timeMs: 0 });
    const alert = {
      id: 3,
      kind: 'empty-desk' as const,
      desk: 'quay-2',
      officer: 'tran-van-hung',
      raised_at: '2026-11-24T02:15:00.000Z',
      state: 'acknowledged' as const,
      details: { since: '2026-11-24T02:00:00.000Z' },
      history: [],
    };
    let reads = 0;
    const read = () => {
      reads += 1;
      return alert;
    };
    stream.listeners(0);
    bus.emit('alert.changed', { action: 'acknowledged', alert: read });
    expect(reads).toBe(0); // no integration connected: the alert is not even read from the store
    stream.listeners(1);
    bus.emit('alert.changed', { action: 'acknowledged', alert: read });
    expect(reads).toBe(1);
    expect(sent).toEqual([
      {
        topic: 'thanthien/v1/xa-tan-lap/hub/events/alert',
        body: {
          time: expect.any(String),
          action: 'acknowledged',
          id: 3,
          kind: 'empty-desk',
          desk: 'quay-2',
          officer: 'tran-van-hung',
          state: 'acknowledged',
          raised_at: '2026-11-24T02:15:00.000Z',
          details: { since: '2026-11-24T02:00:00.000Z' },
        },
      },
    ]);
  });
});
