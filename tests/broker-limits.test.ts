import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { placementOf } from '../hub/src/devices/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { EXAMPLE_CONFIG, startTestHub, type TestHub, until } from './helpers/hub.ts';
import { as, mosquitto } from './helpers/mosquitto.ts';

// The hub on a hostile office network: an attacker who opens raw sockets and speaks just enough
// MQTT to hurt. Each attacker has its own loopback address (Linux routes all of 127/8 to lo), so
// the per-address limits see them as the separate hosts they would be; real devices use 127.0.0.1.

const LIMITS = {
  max_connect_bytes: 4096,
  max_packet_bytes_device: 8192,
  connect_timeout_s: 2,
  max_connections: 100,
  max_connections_per_address: 5,
  auth_failures_before_throttle: 5,
  auth_failures_before_throttle_per_address: 30,
  auth_throttle_max_s: 2,
};
const MB = 1024 * 1024;

let hub: TestHub;
let configPath: string;
let site: string;
const secrets: Record<string, string> = {};
const HOLDERS = Array.from({ length: LIMITS.max_connections_per_address }, (_, i) => `btn-hold-${i}`);
const sockets: Socket[] = [];
const clients: MqttClient[] = [];

const refused = () => hub.health().refused as Record<string, number>;
const rejectedAuth = () => (hub.health().rejected as { auth: number }).auth;
const countEvents = (device: string) =>
  Number(
    (hub.store.prepare('SELECT COUNT(*) AS n FROM events WHERE device = ?').get(device) as { n: number }).n,
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  configPath = join(tmpdir(), `tt-limits-${process.pid}.yaml`);
  const section = Object.entries(LIMITS).map(([key, value]) => `  ${key}: ${value}`);
  writeFileSync(configPath, `${readFileSync(EXAMPLE_CONFIG, 'utf8')}\nmqtt_limits:\n${section.join('\n')}\n`);
  hub = await startTestHub({ TT_CONFIG: configPath });
  site = hub.config.site.code;
  const placement = placementOf(hub.config);
  const desk = placement.desks[0]!;
  for (const id of ['btn-limits', 'btn-guessed', ...HOLDERS]) {
    secrets[id] = (await hub.devices.add({ id, kind: 'rating-button', desk }, placement)).secret;
  }
}, 60_000);

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
});

afterAll(async () => {
  await hub?.close();
  rmSync(configPath, { force: true });
});

// ---- an attacker's tools ----

/** A raw TCP connection to the hub's MQTT port from `from`; `closed` resolves with its lifetime in ms. */
function open(from: string, port = hub.mqttPort): { socket: Socket; closed: Promise<number> } {
  const started = performance.now();
  const socket = connect({ host: '127.0.0.1', port, localAddress: from });
  socket.on('error', () => {}); // resets are what an attacker gets
  sockets.push(socket);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(performance.now() - started)),
  );
  return { socket, closed };
}

/** MQTT's variable-length Remaining Length (MQTT 3.1.1 §2.2.3). */
function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    const byte = n % 128;
    n = Math.floor(n / 128);
    bytes.push(n > 0 ? byte | 0x80 : byte);
  } while (n > 0);
  return bytes;
}

const utf8 = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};

/** A CONNECT with clientId = username = id, clean session, no keepalive (MQTT 3.1.1 §3.1). */
function connectPacket(id: string, password: string): Buffer {
  const body = Buffer.concat([
    utf8('MQTT'),
    Buffer.from([4, 0x80 | 0x40 | 0x02, 0, 0]),
    utf8(id),
    utf8(id),
    utf8(password),
  ]);
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body]);
}

function publishPacket(topic: string, payload: Buffer): Buffer {
  const body = Buffer.concat([utf8(topic), payload]);
  return Buffer.concat([Buffer.from([0x30, ...remainingLength(body.length)]), body]);
}

/** Log in as `id` from `from`: the CONNACK return code (0 accepted, 4 bad password, 5 not authorised). */
async function login(from: string, id: string, password: string): Promise<number> {
  const { socket, closed } = open(from);
  const code = new Promise<number>((resolve, reject) => {
    let got = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4) resolve(got[3]!);
    });
    socket.once('close', () => reject(new Error('closed without a CONNACK')));
  });
  socket.write(connectPacket(id, password));
  const returnCode = await code;
  socket.destroy();
  await closed;
  return returnCode;
}

/** A device as its firmware connects: MQTT.js from 127.0.0.1, or from `from` through its own socket. */
async function device(id: string, from?: string): Promise<MqttClient> {
  const options = { clientId: id, username: id, password: secrets[id]!, reconnectPeriod: 0 };
  const client = from
    ? new mqtt.MqttClient(
        () => connect({ host: '127.0.0.1', port: hub.mqttPort, localAddress: from }),
        options,
      )
    : await mqtt.connectAsync(hub.url, options);
  clients.push(client);
  if (!client.connected)
    await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
  return client;
}

/** A device that publishes a rating with Debian's mosquitto_pub (a client nobody here wrote). */
async function ratingFromRealDevice(id: string, seq: number): Promise<void> {
  const before = countEvents(id);
  const run = await mosquitto('mosquitto_pub', [
    ...as(hub.mqttPort, id, secrets[id]!),
    '-q',
    '1',
    '-t',
    deviceTopic(site, id, { family: 'evt', event: 'rating' }),
    '-m',
    JSON.stringify({ boot: 'limits01', seq, score: 4, scale: 4 }),
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(countEvents(id)).toBe(before + 1);
}

describe('packets over their bound', () => {
  it('closes a CONNECT that declares 50 MB as soon as its header arrives', async () => {
    const before = refused();
    const { socket, closed } = open('127.0.0.11');
    socket.write(Buffer.from([0x10, ...remainingLength(50 * MB), 0, 4]));
    await closed;
    expect(refused().oversized).toBe(before.oversized! + 1);
    expect(refused()['connect-timeout']).toBe(before['connect-timeout']);
    const line = hub.logs.find((l) => l.kind === 'oversized' && l.address === '127.0.0.11');
    expect(line?.msg).toMatch(/^refused: CONNECT of 52428805 bytes before authentication/);
  });

  it('keeps its memory when ten clients stream 5 MB CONNECTs at once', async () => {
    const chunk = Buffer.alloc(MB, 0x41); // one buffer, written again and again: the test holds 1 MB
    const before = refused();
    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }, 5);
    const attackers = Array.from({ length: 10 }, (_, i) => open(`127.0.0.${20 + i}`));
    for (const { socket } of attackers) {
      socket.write(Buffer.from([0x10, ...remainingLength(5 * MB)]));
      for (let i = 0; i < 5; i++) socket.write(chunk);
    }
    await Promise.all(attackers.map((a) => a.closed));
    clearInterval(sampler);
    const growthMb = (rssPeak - rssBefore) / MB;
    console.info(`RSS before ${Math.round(rssBefore / MB)} MB, peak growth ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(50);
    expect(refused().oversized).toBe(before.oversized! + 10);
  });

  it('counts what is pipelined behind a CONNECT before it is accepted', async () => {
    const before = refused();
    const { socket, closed } = open('127.0.0.12');
    const junk = publishPacket('x', Buffer.alloc(1000));
    socket.write(Buffer.concat([connectPacket('btn-nobody', 'guess'), junk, junk, junk, junk, junk]));
    await closed;
    expect(refused().oversized).toBe(before.oversized! + 1);
  });

  it("closes a device's PUBLISH over the device bound, and keeps serving it afterwards", async () => {
    const before = refused();
    const telemetry = deviceTopic(site, 'btn-limits', { family: 'telemetry' });
    const client = await device('btn-limits');
    // Just under the bound passes: the limit is on size, and unknown fields are dropped.
    const fits = JSON.stringify({ uptime_s: 1, padding: 'x'.repeat(LIMITS.max_packet_bytes_device - 200) });
    await client.publishAsync(telemetry, fits, { qos: 1 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(telemetry, JSON.stringify({ uptime_s: 2, padding: 'x'.repeat(9000) }), { qos: 1 });
    await closed;
    expect(refused().oversized).toBe(before.oversized! + 1);
    const line = hub.logs.findLast((l) => l.kind === 'oversized');
    expect(line).toMatchObject({ client: 'btn-limits', address: '127.0.0.1' });
    expect(line?.msg).toMatch(/PUBLISH of \d+ bytes from "btn-limits", over 8192 bytes/);
    await ratingFromRealDevice('btn-limits', 0);
  });
});

describe('half-open connections', () => {
  it('closes TCP and WebSocket connections that send no CONNECT within connect_timeout_s', async () => {
    const before = refused();
    const silent = open('127.0.0.13');
    const slow = open('127.0.0.13');
    slow.socket.write(Buffer.from([0x10, 0x20])); // a CONNECT that never finishes
    const ws = new WebSocket(`ws://127.0.0.1:${hub.httpPort}/mqtt`, 'mqtt', { localAddress: '127.0.0.13' });
    ws.on('error', () => {});
    const wsClosed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    const lifetimes = await Promise.all([silent.closed, slow.closed]);
    await wsClosed;
    for (const ms of lifetimes) {
      expect(ms).toBeGreaterThanOrEqual(LIMITS.connect_timeout_s * 1000 - 100);
      expect(ms).toBeLessThan(LIMITS.connect_timeout_s * 1000 + 5000); // before aedes' own backstop
    }
    expect(refused()['connect-timeout']).toBe(before['connect-timeout']! + 3);
    expect(hub.logs.some((l) => l.kind === 'connect-timeout' && /no CONNECT within 2 s/.test(l.msg))).toBe(
      true,
    );
  });
});

describe('floods of connections', () => {
  it('refuses at once what one address opens beyond its limit, and a real device still connects', async () => {
    const before = refused();
    const flood = Array.from({ length: 500 }, () => open('127.0.0.14'));
    const rating = ratingFromRealDevice('btn-limits', 1); // during the flood, from its own address
    await rating;
    await Promise.all(flood.map((f) => f.closed));
    const beyond = refused()['too-many-from-address']! - before['too-many-from-address']!;
    const timedOut = refused()['connect-timeout']! - before['connect-timeout']!;
    // The limit's five are closed by the CONNECT timeout; slots they free may go to late arrivals.
    expect(beyond + timedOut).toBe(500);
    expect(beyond).toBeGreaterThanOrEqual(500 - 5 * 10);
    expect(timedOut).toBeGreaterThanOrEqual(5);
    expect(hub.logs.some((l) => l.kind === 'too-many-from-address' && l.address === '127.0.0.14')).toBe(true);
  });

  it('refuses connections beyond max_connections, whatever their addresses, until some close', async () => {
    const before = refused();
    const flood = Array.from({ length: 125 }, (_, i) => open(`127.0.1.${1 + Math.floor(i / 5)}`));
    await Promise.all(flood.map((f) => f.closed));
    const overTotal = refused()['too-many-connections']! - before['too-many-connections']!;
    const timedOut = refused()['connect-timeout']! - before['connect-timeout']!;
    expect(refused()['too-many-from-address']).toBe(before['too-many-from-address']);
    expect(overTotal + timedOut).toBe(125);
    expect(overTotal).toBeGreaterThanOrEqual(1);
    await ratingFromRealDevice('btn-limits', 2);
  });
});

describe('MQTT over WebSocket at /mqtt, held to the same rules', () => {
  const url = () => `ws://127.0.0.1:${hub.httpPort}/mqtt`;
  const wsFrom = (from: string, headers: Record<string, string> = {}) => {
    const ws = new WebSocket(url(), 'mqtt', { localAddress: from, headers });
    ws.on('error', () => {});
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    return { ws, closed };
  };
  const opened = (ws: WebSocket) => new Promise((resolve) => ws.once('open', resolve));

  it('closes a CONNECT that declares 50 MB, and a message over maxPayload', async () => {
    const before = refused();
    const declared = wsFrom('127.0.0.15');
    await opened(declared.ws);
    declared.ws.send(Buffer.from([0x10, ...remainingLength(50 * MB)]));
    await declared.closed;
    const big = wsFrom('127.0.0.15');
    await opened(big.ws);
    big.ws.send(Buffer.alloc(MB));
    expect(await big.closed).toBe(1009); // "message too big" (RFC 6455 §7.4.1)
    // The hub counts it once the WebSocket has closed on its side too.
    await until(() => refused().oversized === before.oversized! + 2, 'both counted as oversized');
    expect(refused()['connect-timeout']).toBe(before['connect-timeout']);
  });

  it('counts WebSocket and TCP connections of an address together, and ignores X-Forwarded-For', async () => {
    const before = refused();
    // Authenticated devices hold the address's slots: they are not closed by the CONNECT timeout.
    for (const id of HOLDERS) await device(id, '127.0.0.16');
    const refusedUpgrade = new Promise<number>((resolve) => {
      const ws = new WebSocket(url(), 'mqtt', {
        localAddress: '127.0.0.16',
        headers: { 'x-forwarded-for': '10.9.9.9' },
      });
      ws.on('error', () => {});
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
    });
    expect(await refusedUpgrade).toBe(503);
    expect(refused()['too-many-from-address']).toBe(before['too-many-from-address']! + 1);
    const line = hub.logs.findLast((l) => l.kind === 'too-many-from-address');
    expect(line?.address).toBe('127.0.0.16');
    // The holders are real devices and keep working.
    for (const client of clients) expect(client.connected).toBe(true);
  });
});

describe('password guessing', () => {
  it('throttles 200 wrong passwords without running scrypt for each, and the right one works after', async () => {
    const before = refused();
    const scryptBefore = rejectedAuth();
    const started = performance.now();
    const codes: number[] = [];
    for (let i = 0; i < 200; i++) codes.push(await login('127.0.0.17', 'btn-guessed', `guess-${i}`));
    const elapsedMs = performance.now() - started;
    const checked = rejectedAuth() - scryptBefore;
    const throttled = refused()['auth-throttled']! - before['auth-throttled']!;
    console.info(
      `200 guesses in ${Math.round(elapsedMs)} ms: ${checked} secrets checked, ${throttled} throttled`,
    );
    expect(codes.slice(0, LIMITS.auth_failures_before_throttle)).toEqual([4, 4, 4, 4, 4]);
    expect(checked + throttled).toBe(200);
    // After the free failures, at most one check per second of locking (the lock is 1 s, then 2 s).
    expect(checked).toBeLessThanOrEqual(
      LIMITS.auth_failures_before_throttle + Math.ceil(elapsedMs / 1000) + 1,
    );
    expect(codes.filter((c) => c === 5)).toHaveLength(throttled);
    expect(elapsedMs).toBeLessThan(200 * 100); // 200 scrypt checks would take 40 s and more

    // The device itself, on its own address, is not locked out by a guesser elsewhere.
    expect(await login('127.0.0.1', 'btn-guessed', secrets['btn-guessed']!)).toBe(0);
    // From the guesser's address, even the right secret waits for the lock to pass.
    expect(await login('127.0.0.17', 'btn-guessed', secrets['btn-guessed']!)).toBe(5);
    await sleep(LIMITS.auth_throttle_max_s * 1000 + 500);
    expect(await login('127.0.0.17', 'btn-guessed', secrets['btn-guessed']!)).toBe(0);

    const line = hub.logs.find((l) => l.kind === 'auth-throttled');
    expect(line).toMatchObject({ client: 'btn-guessed', address: '127.0.0.17' });
    expect(line?.msg).toMatch(/^refused: too many failed logins for "btn-guessed" from 127\.0\.0\.17/);
    expect(JSON.stringify(hub.logs)).not.toContain('guess-1');
    expect(JSON.stringify(hub.logs)).not.toContain(secrets['btn-guessed']);
  }, 60_000);

  it('says in health what it refused', () => {
    const counts = refused();
    expect(Object.keys(counts).sort()).toEqual(
      [
        'auth-throttled',
        'connect-timeout',
        'oversized',
        'too-many-connections',
        'too-many-from-address',
        'total',
      ].sort(),
    );
    const { total, ...kinds } = counts;
    expect(total).toBe(Object.values(kinds).reduce((a, b) => a + b, 0));
    for (const count of Object.values(kinds)) expect(count).toBeGreaterThan(0);
  });
});
