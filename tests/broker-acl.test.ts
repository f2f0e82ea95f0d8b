import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { startTestHub, type TestHub } from './helpers/hub.ts';
import { as, mosquitto } from './helpers/mosquitto.ts';

// Debian's mosquitto clients — a client nobody here wrote — against the hub's broker (issue 2).

let hub: TestHub;
let site: string;
let desk: string;
const secrets: Record<string, string> = {};

const rating = (seq: number) => JSON.stringify({ boot: 'mosq0001', seq, score: 4, scale: 4 });
const countEvents = (device: string) =>
  Number(
    (hub.store.prepare('SELECT COUNT(*) AS n FROM events WHERE device = ?').get(device) as { n: number }).n,
  );

beforeAll(async () => {
  hub = await startTestHub();
  site = hub.config.site.code;
  desk = hub.config.desks[0]!.id;
  const placement = placementOf(hub.config);
  for (const id of ['btn-a', 'btn-b', 'btn-revoked']) {
    secrets[id] = (await hub.devices.add({ id, kind: 'rating-button', desk }, placement)).secret;
  }
  hub.devices.revoke('btn-revoked');
});

afterAll(async () => {
  await hub?.close();
});

describe('mosquitto clients against the hub broker', () => {
  it('a provisioned device publishes a valid event on its own topic, and it is stored', async () => {
    const topic = deviceTopic(site, 'btn-a', { family: 'evt', event: 'rating' });
    const run = await mosquitto('mosquitto_pub', [
      ...as(hub.mqttPort, 'btn-a', secrets['btn-a']!),
      '-q',
      '1',
      '-t',
      topic,
      '-m',
      rating(0),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // mosquitto_pub exits after the PUBACK, and the PUBACK comes only after the commit.
    expect(countEvents('btn-a')).toBe(1);
    expect(hub.health().store).toMatchObject({ outbox_backlog: expect.any(Number) });
  });

  it('a provisioned device receives commands on its own cmd topic', async () => {
    const cmd = deviceTopic(site, 'btn-a', { family: 'cmd' });
    const sub = mosquitto('mosquitto_sub', [
      ...as(hub.mqttPort, 'btn-a', secrets['btn-a']!),
      '-q',
      '1',
      '-t',
      cmd,
      '-C',
      '1',
    ]);
    // Keep publishing until the subscription is in place; the first one may precede it.
    const timer = setInterval(() => void hub.sendCommand('btn-a', { id: 'c1', type: 'ping' }), 100);
    const run = await sub;
    clearInterval(timer);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ id: 'c1', type: 'ping' });
  });

  it('refuses a wrong password with CONNACK "bad user name or password"', async () => {
    const before = hub.health().rejected as { auth: number };
    const topic = deviceTopic(site, 'btn-a', { family: 'evt', event: 'rating' });
    const run = await mosquitto('mosquitto_pub', [
      ...as(hub.mqttPort, 'btn-a', 'not-the-secret'),
      '-q',
      '1',
      '-t',
      topic,
      '-m',
      rating(1),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/bad user name or password/i);
    expect((hub.health().rejected as { auth: number }).auth).toBe(before.auth + 1);
    expect(countEvents('btn-a')).toBe(1);
    expect(hub.logs.some((l) => l.kind === 'auth' && /wrong-secret/.test(l.msg))).toBe(true);
    expect(JSON.stringify(hub.logs)).not.toContain('not-the-secret');
  });

  it('refuses a revoked secret with CONNACK "not authorised"', async () => {
    const topic = deviceTopic(site, 'btn-revoked', { family: 'evt', event: 'rating' });
    const run = await mosquitto('mosquitto_pub', [
      ...as(hub.mqttPort, 'btn-revoked', secrets['btn-revoked']!),
      '-q',
      '1',
      '-t',
      topic,
      '-m',
      rating(0),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/not authori[sz]ed/i);
    expect(countEvents('btn-revoked')).toBe(0);
  });

  it('refuses a client id that is not its user name with CONNACK "identifier rejected"', async () => {
    const topic = deviceTopic(site, 'btn-a', { family: 'evt', event: 'rating' });
    const run = await mosquitto('mosquitto_pub', [
      ...as(hub.mqttPort, 'btn-a', secrets['btn-a']!, 'btn-b'),
      '-q',
      '1',
      '-t',
      topic,
      '-m',
      rating(2),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/identifier rejected/i);
    expect(countEvents('btn-a')).toBe(1);
  });

  it("refuses a publish to another device's topics by closing the connection", async () => {
    const before = (hub.health().rejected as { 'acl-publish': number })['acl-publish'];
    const foreign = deviceTopic(site, 'btn-b', { family: 'evt', event: 'rating' });
    const run = await mosquitto('mosquitto_pub', [
      ...as(hub.mqttPort, 'btn-a', secrets['btn-a']!),
      '-q',
      '1',
      '-t',
      foreign,
      '-m',
      rating(3),
    ]);
    expect(run.code).not.toBe(0);
    expect((hub.health().rejected as { 'acl-publish': number })['acl-publish']).toBe(before + 1);
    expect(countEvents('btn-b')).toBe(0);
    expect(hub.logs.some((l) => l.kind === 'acl-publish' && l.client === 'btn-a')).toBe(true);
  });

  it("refuses a subscription to another device's cmd with SUBACK 0x80", async () => {
    const before = (hub.health().rejected as { 'acl-subscribe': number })['acl-subscribe'];
    const foreign = deviceTopic(site, 'btn-b', { family: 'cmd' });
    const run = await mosquitto('mosquitto_sub', [
      ...as(hub.mqttPort, 'btn-a', secrets['btn-a']!),
      '-q',
      '1',
      '-t',
      foreign,
      '-C',
      '1',
      '-W',
      '5',
    ]);
    // mosquitto_sub reports the SUBACK failure and gives up (its exit code stays 0).
    expect(run.stderr).toMatch(/All subscription requests were denied/);
    expect((hub.health().rejected as { 'acl-subscribe': number })['acl-subscribe']).toBe(before + 1);
  });
});
