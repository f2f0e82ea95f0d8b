import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes, type AuthenticateError } from 'aedes';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DeviceLink,
  type DeviceLinkOptions,
  type EventQueue,
  FileQueue,
  isoWithOffset,
  LinkError,
  type LinkLogger,
  MemoryQueue,
  type QueuedEvent,
} from '../firmware/src/link/index.ts';
import { deviceTopic, Timestamp } from '../protocol/index.ts';
import { SimPresenceSensor, SimSpeaker } from '../simulators/src/devices.ts';
import { freePort } from './helpers/net.ts';

// The device side of protocol v1 against a real aedes broker on a real TCP port (authentication
// is the hub's and is tested there; here only a refusal is staged). What the broker receives is
// what we check.

const SITE = 'xa-tan-lap';
type Received = { topic: string; body: Record<string, unknown>; retain: boolean; qos: number };
type BrokerOptions = Parameters<typeof Aedes.createBroker>[0];

let broker: Aedes | undefined;
let server: Server | undefined;
let port: number;
let received: Received[];
let dir: string;
const links: DeviceLink[] = [];

async function startBroker(options: { port?: number; broker?: BrokerOptions } = {}): Promise<void> {
  const b = await Aedes.createBroker(options.broker);
  b.on('publish', (packet) => {
    if (!packet.topic.startsWith('thanthien/')) return;
    received.push({
      topic: packet.topic,
      body: JSON.parse(String(packet.payload)),
      retain: packet.retain,
      qos: packet.qos,
    });
  });
  const s = createServer(b.handle);
  await new Promise<void>((resolve) => s.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  broker = b;
  server = s;
  port = (s.address() as { port: number }).port;
}

async function stopBroker(): Promise<void> {
  const [b, s] = [broker, server];
  broker = undefined;
  server = undefined;
  if (b) await new Promise<void>((resolve) => b.close(() => resolve()));
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
}

function link(id: string, extra: Partial<DeviceLinkOptions> = {}): DeviceLink {
  const l = new DeviceLink({
    url: `mqtt://127.0.0.1:${port}`,
    site: SITE,
    id,
    secret: 'unused',
    kind: 'rating-button',
    fw: '1.0.0',
    reconnectPeriodMs: 50,
    ...extra,
  });
  links.push(l);
  return l;
}

/** Wait until `check` holds, polling; fails with `what` after `timeoutMs`. */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const on = (id: string, topic: Parameters<typeof deviceTopic>[2]) =>
  received.filter((r) => r.topic === deviceTopic(SITE, id, topic));
const ratings = (id: string) => on(id, { family: 'evt', event: 'rating' });
const firstArrivals = (id: string) => [...new Set(ratings(id).map((e) => e.body.seq as number))];
const range = (n: number) => [...Array(n).keys()];

beforeEach(async () => {
  received = [];
  dir = mkdtempSync(join(tmpdir(), 'tt-link-'));
  await startBroker();
});

afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop(500).catch(() => undefined)));
  await stopBroker();
  rmSync(dir, { recursive: true, force: true });
});

describe('device link: state', () => {
  it('publishes the birth on connect, retained, and the broker publishes the will of its boot on a cut', async () => {
    const l = link('btn-1');
    l.start();
    await until(() => on('btn-1', { family: 'state' }).length > 0, 'birth');
    const [birth] = on('btn-1', { family: 'state' });
    expect(birth).toMatchObject({ retain: true, qos: 1 });
    expect(Object.keys(birth!.body)).toEqual(['online', 'kind', 'fw', 'boot', 'ts']);
    expect(birth!.body).toMatchObject({ online: true, kind: 'rating-button', fw: '1.0.0', boot: l.boot });
    expect(Timestamp.safeParse(birth!.body.ts).success).toBe(true);
    expect(l.boot).toMatch(/^[a-z0-9]{8}$/);

    l.cut();
    await until(() => on('btn-1', { family: 'state' }).length === 2, 'will');
    expect(on('btn-1', { family: 'state' })[1]).toEqual({
      topic: deviceTopic(SITE, 'btn-1', { family: 'state' }),
      body: { online: false, boot: l.boot },
      retain: true,
      qos: 1,
    });
  });

  it('stays away after a cut until reconnect(), then is born again with the same boot', async () => {
    const l = link('btn-cut');
    let connects = 0;
    l.on('connected', () => (connects += 1));
    l.start();
    await until(() => connects === 1, 'first connection');
    const disconnected = new Promise<void>((resolve) => l.once('disconnected', resolve));
    l.cut();
    await disconnected;
    // Ten reconnect periods: an automatic retry would have come back by now.
    await new Promise((r) => setTimeout(r, 500));
    expect(connects).toBe(1);
    expect(broker!.connectedClients).toBe(0);
    l.reconnect();
    await until(() => connects === 2, 'reconnected');
    // CONNACK comes before the birth reaches the broker: wait for the birth itself.
    await until(() => on('btn-cut', { family: 'state' }).length === 3, 'the second birth');
    const states = on('btn-cut', { family: 'state' }).map((r) => r.body);
    expect(states).toEqual([
      expect.objectContaining({ online: true, boot: l.boot }),
      { online: false, boot: l.boot },
      expect.objectContaining({ online: true, boot: l.boot }),
    ]);
  });

  it('says offline (retained) when stopped, and stop() resolves once the connection is closed', async () => {
    const l = link('btn-stop');
    l.start();
    await until(() => l.connected, 'connected');
    const gone = new Promise<void>((resolve) => broker!.once('clientDisconnect', () => resolve()));
    await l.stop();
    await gone;
    expect(l.connected).toBe(false);
    expect(on('btn-stop', { family: 'state' }).at(-1)).toMatchObject({
      body: { online: false, boot: l.boot },
      retain: true,
    });
  });

  it('sends an event again when its PUBACK never comes on a live connection', async () => {
    await stopBroker();
    let swallowed = 0;
    await startBroker({
      port,
      broker: {
        // The first copy of seq 0 is never acknowledged, as if the hub died with it in hand.
        authorizePublish: (_client, packet, done) => {
          if (
            packet.topic.endsWith('/evt/rating') &&
            swallowed === 0 &&
            String(packet.payload).includes('"seq":0')
          ) {
            swallowed += 1;
            return;
          }
          done(null);
        },
      },
    });
    const l = link('btn-lost-ack', { ackTimeoutMs: 400 });
    l.start();
    await until(() => l.connected, 'connected');
    l.record('rating', { score: 3, scale: 4 });
    await until(() => l.queueLength === 0, 'the event acknowledged after a resend');
    expect(swallowed).toBe(1);
    expect(received.filter((r) => r.topic.endsWith('/evt/rating')).map((r) => r.body.seq)).toEqual([0]);
  });

  it('makes a refused CONNACK observable with its return code, and keeps trying', async () => {
    await stopBroker();
    let attempts = 0;
    let allow = false;
    await startBroker({
      port,
      broker: {
        authenticate: (_client, _user, _password, done) => {
          attempts += 1;
          if (allow) return done(null, true);
          const refused = new Error('bad secret') as AuthenticateError;
          refused.returnCode = 4;
          done(refused, null);
        },
      },
    });
    const l = link('btn-refused');
    const errors: LinkError[] = [];
    const problems: Error[] = [];
    l.on('error', (err) => errors.push(err as LinkError));
    l.on('problem', (err) => problems.push(err));
    l.start();
    await until(() => errors.length >= 3, 'three refusals');
    expect(errors[0]).toBeInstanceOf(LinkError);
    expect(errors[0]).toMatchObject({ code: 'TT_LINK_REFUSED', returnCode: 4 });
    expect(errors[0]!.message).toMatch(/CONNACK 4/);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeGreaterThanOrEqual(3);
    allow = true; // the technician fixes the secret
    await until(() => l.connected, 'connected once allowed', 40_000);
  });

  it('rejects options that break the protocol before connecting anywhere', () => {
    expect(() => link('BTN 1')).toThrow(/device link options are invalid: id must match/);
    expect(() => link('btn-1', { site: 'X' })).toThrow(/site must match/);
    expect(() => link('btn-1', { inflight: 0 })).toThrow(/inflight must be a positive integer/);
  });
});

describe('device link: events', () => {
  it('numbers events from 0 per boot across types, stamps local time, and delivers them in order', async () => {
    const l = link('btn-2', { inflight: 7 });
    const acked: unknown[] = [];
    l.on('acked', (body) => acked.push(body.seq));
    l.start();
    const first = l.record('rating', { score: 1, scale: 4 });
    expect(first).toMatchObject({ boot: l.boot, seq: 0, score: 1, scale: 4 });
    expect(l.record('rating-reason', { ref: 0, reason: 'waiting' }).seq).toBe(1);
    for (let i = 2; i < 50; i++) l.record('rating', { score: 1 + (i % 4), scale: 4 });
    await until(() => l.queueLength === 0, '50 events acked');
    expect(ratings('btn-2').map((e) => e.body.seq)).toEqual([0, ...range(50).slice(2)]);
    expect(on('btn-2', { family: 'evt', event: 'rating-reason' })[0]!.body).toMatchObject({
      boot: l.boot,
      seq: 1,
      ref: 0,
      reason: 'waiting',
    });
    expect(ratings('btn-2').every((e) => e.qos === 1 && !e.retain)).toBe(true);
    expect(Object.keys(ratings('btn-2')[0]!.body)).toEqual(['boot', 'seq', 'ts', 'score', 'scale']);
    expect(ratings('btn-2')[0]!.body.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(acked).toEqual(range(50));
  });

  it('formats time with the machine offset and milliseconds', () => {
    const at = new Date('2026-11-22T01:15:30.123Z');
    const text = isoWithOffset(at);
    expect(text).toMatch(/^2026-11-2\dT\d\d:\d\d:30\.123[+-]\d\d:\d\d$/);
    expect(Date.parse(text)).toBe(at.getTime());
  });

  it('omits ts while the clock is not synchronised, and takes the time from its clock', async () => {
    let synced = false;
    const at = new Date('2026-11-22T01:15:30.123Z');
    const l = link('btn-3', { clockSynced: () => synced, clock: () => at });
    l.start();
    l.record('rating', { score: 3, scale: 4 });
    synced = true;
    l.record('rating', { score: 4, scale: 4 });
    await until(() => ratings('btn-3').length === 2, 'events');
    expect(ratings('btn-3')[0]!.body).not.toHaveProperty('ts');
    expect(ratings('btn-3')[1]!.body.ts).toBe(isoWithOffset(at));
  });

  it('refuses fields that make no valid event, without spending a seq, and keeps identity its own', () => {
    const l = link('btn-bad');
    expect(() => l.record('rating', { score: 5, scale: 4 })).toThrow(/score: must be between 1 and scale/);
    expect(() => l.record('presence', {})).toThrow(
      expect.objectContaining({ code: 'TT_LINK_EVENT_INVALID' }),
    );
    expect(l.record('rating', { score: 2, scale: 4, boot: 'forged', seq: 99 })).toMatchObject({
      boot: l.boot,
      seq: 0,
    });
    expect(l.queueLength).toBe(1);
  });

  it('keeps 500 events made while the hub is away and delivers all of them, in order', async () => {
    const l = link('btn-4');
    l.start();
    await until(() => l.connected, 'connected');
    await stopBroker();
    await until(() => !l.connected, 'disconnected');
    for (let i = 0; i < 500; i++) l.record('rating', { score: 4, scale: 4 });
    expect(l.queueLength).toBe(500);
    await startBroker({ port });
    await until(() => l.queueLength === 0, 'queue drained', 50_000);
    // Each at least once, and the first arrivals in order (a resend after a cut may repeat one).
    expect(firstArrivals('btn-4')).toEqual(range(500));
  });

  it('delivers 500 events made before the hub ever listened, in order', async () => {
    await stopBroker();
    port = await freePort();
    const l = link('btn-early');
    l.start();
    for (let i = 0; i < 500; i++) l.record('rating', { score: 1 + (i % 4), scale: 4 });
    await new Promise((r) => setTimeout(r, 200)); // a few refused attempts
    expect(l.connected).toBe(false);
    await startBroker({ port });
    await until(() => l.queueLength === 0, 'queue drained', 50_000);
    expect(firstArrivals('btn-early')).toEqual(range(500));
  });

  it('sends again, in order, the events that were in flight when the connection was cut', async () => {
    const l = link('btn-5', { inflight: 50 });
    l.start();
    await until(() => l.connected, 'connected');
    for (let i = 0; i < 300; i++) l.record('rating', { score: 2, scale: 4 });
    l.cut(); // with most of them unacknowledged
    expect(l.queueLength).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) l.record('rating', { score: 3, scale: 4 });
    await until(() => !l.connected, 'cut');
    l.reconnect();
    await until(() => l.queueLength === 0, 'queue drained', 50_000);
    expect(firstArrivals('btn-5')).toEqual(range(320));
  });

  it('keeps its queue across a reboot when the board has storage', async () => {
    const file = join(dir, 'queue.jsonl');
    await stopBroker();
    const before = link('btn-6', { queue: new FileQueue(file) });
    before.start();
    const recorded = [
      before.record('rating', { score: 2, scale: 4 }),
      before.record('rating', { score: 4, scale: 4 }),
    ];
    await before.stop(); // the power goes; nothing was acknowledged
    await startBroker({ port });
    const after = link('btn-6', { queue: new FileQueue(file) });
    expect(after.boot).not.toBe(before.boot);
    after.start();
    const next = after.record('rating', { score: 3, scale: 4 });
    expect(next).toMatchObject({ boot: after.boot, seq: 0 });
    await until(() => after.queueLength === 0, 'events of both boots');
    expect(ratings('btn-6').map((e) => [e.body.boot, e.body.seq])).toEqual([
      ...recorded.map((r) => [r.boot, r.seq]),
      [after.boot, 0],
    ]);
  });

  it('sends telemetry at QoS 0 only while connected', async () => {
    const l = link('btn-7');
    l.telemetry({ uptime_s: 1 }); // not started: dropped
    l.start();
    await until(() => l.connected, 'connected');
    l.telemetry({ uptime_s: 12, queue_len: 0, rssi_dbm: -60 });
    await until(() => on('btn-7', { family: 'telemetry' }).length === 1, 'telemetry');
    expect(on('btn-7', { family: 'telemetry' })[0]).toMatchObject({
      qos: 0,
      retain: false,
      body: { uptime_s: 12, queue_len: 0, rssi_dbm: -60, ts: expect.any(String) },
    });
  });
});

describe('device link: presence sensor', () => {
  it('sends its current state after each (re)connect, and transitions in between', async () => {
    const sensor = new SimPresenceSensor({
      url: `mqtt://127.0.0.1:${port}`,
      site: SITE,
      id: 'pir-1',
      secret: 'x',
      fw: '1.0.0',
      reconnectPeriodMs: 50,
    });
    links.push(sensor.link);
    sensor.start();
    // By seq: an event in flight at the cut arrives twice, which the hub deduplicates.
    const bySeq = () =>
      new Map(on('pir-1', { family: 'evt', event: 'presence' }).map((r) => [r.body.seq, r.body.present]));
    await until(() => bySeq().size === 1, 'state after connect');
    sensor.set(true);
    sensor.set(true); // no transition
    await until(() => bySeq().size === 2, 'transition');
    sensor.link.cut();
    sensor.link.reconnect();
    await until(() => bySeq().size === 3, 'state after reconnect');
    expect([...bySeq()]).toEqual([
      [0, false],
      [1, true],
      [2, true],
    ]);
  });
});

// One suite for every EventQueue: what the link relies on, whatever keeps the events.
function queueSuite(name: string, make: () => EventQueue) {
  describe(`${name} (shared queue suite)`, () => {
    const event = (seq: number): QueuedEvent => ({ key: `b:${seq}`, topic: 't', body: { seq } });

    it('keeps events oldest first until removed', () => {
      const q = make();
      expect(q.length).toBe(0);
      expect(q.peek(5)).toEqual([]);
      for (let i = 0; i < 5; i++) q.push(event(i));
      expect(q.peek(0)).toEqual([]);
      expect(q.peek(2).map((e) => e.body.seq)).toEqual([0, 1]);
      expect(q.remove('b:1')).toBe(true);
      expect(q.remove('b:1')).toBe(false);
      expect(q.remove('b:unknown')).toBe(false);
      expect(q.peek(10)).toEqual([event(0), event(2), event(3), event(4)]);
      expect(q.length).toBe(4);
      q.close();
    });

    it('keeps working after close() (a link stopped and started again)', () => {
      const q = make();
      q.push(event(0));
      q.close();
      q.push(event(1));
      expect(q.remove('b:0')).toBe(true);
      expect(q.peek(5)).toEqual([event(1)]);
      q.close();
      q.close();
    });

    it('behaves as a list in insertion order under any pushes and removals', () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.constant<'push'>('push'), fc.nat(40)), { maxLength: 120 }),
          fc.nat(30),
          (ops, n) => {
            const q = make();
            const model: QueuedEvent[] = [];
            let next = 0;
            for (const op of ops) {
              if (op === 'push') {
                q.push(event(next));
                model.push(event(next));
                next += 1;
              } else {
                const at = model.findIndex((e) => e.body.seq === op);
                expect(q.remove(`b:${op}`)).toBe(at >= 0);
                if (at >= 0) model.splice(at, 1);
              }
            }
            expect(q.length).toBe(model.length);
            expect(q.peek(n)).toEqual(model.slice(0, n));
            q.close();
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}

let queueDirs: string[] = [];
queueSuite('MemoryQueue', () => new MemoryQueue());
queueSuite('FileQueue', () => {
  const d = mkdtempSync(join(tmpdir(), 'tt-q-'));
  queueDirs.push(d);
  return new FileQueue(join(d, 'q.jsonl'), { compactAfterLines: 16 });
});
afterEach(() => {
  for (const d of queueDirs) rmSync(d, { recursive: true, force: true });
  queueDirs = [];
});

describe('FileQueue journal', () => {
  const event = (seq: number): QueuedEvent => ({ key: `b:${seq}`, topic: 't', body: { seq } });

  it('has every push on disk before it returns, as a power cut right after would find it', () => {
    const file = join(dir, 'journal.jsonl');
    const q = new FileQueue(file);
    q.push(event(0));
    q.push(event(1));
    q.remove('b:0');
    // No close(): the process is gone. What a new boot reads is what the disk holds.
    const reopened = new FileQueue(file);
    expect(reopened.peek(10)).toEqual([event(1)]);
    reopened.close();
    q.close();
  });

  it('replays after a reopen, skips a torn last line, and compacts on open', () => {
    const file = join(dir, 'journal.jsonl');
    const q = new FileQueue(file);
    for (let i = 0; i < 30; i++) q.push(event(i));
    for (let i = 0; i < 20; i++) q.remove(`b:${i}`);
    q.close();
    appendFileSync(file, '{"key":"b:torn","topic":"t","bo');
    const reopened = new FileQueue(file);
    expect(reopened.peek(100).map((e) => e.body.seq)).toEqual(range(30).slice(20));
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(10);
    reopened.push(event(30)); // appended after whole lines only
    reopened.close();
    expect(new FileQueue(file).peek(100).map((e) => e.body.seq)).toEqual(range(31).slice(20));
  });

  it('compacts as acknowledgements pile up, keeping what waits', () => {
    const file = join(dir, 'journal.jsonl');
    const q = new FileQueue(file, { compactAfterLines: 100 });
    for (let i = 0; i < 300; i++) {
      q.push(event(i));
      if (i >= 3) q.remove(`b:${i - 3}`);
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThanOrEqual(101);
    q.close();
    expect(new FileQueue(file).peek(10).map((e) => e.body.seq)).toEqual([297, 298, 299]);
  });
});

describe('simulated speaker', () => {
  let http: HttpServer;
  const audio = Buffer.from('ID3 loa thon dong — thong bao');
  const sha256 = createHash('sha256').update(audio).digest('hex');
  const other = Buffer.from('ID3 ban tin khan cap');

  beforeEach(async () => {
    http = createHttpServer((req, res) => res.end(req.url === '/other.mp3' ? other : audio));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  });
  afterEach(() => new Promise<void>((resolve) => http.close(() => resolve())));

  const acks = (id: string) => on('loa-1', { family: 'ack' }).filter((r) => r.body.id === id);
  const statuses = (id: string) => acks(id).map((r) => r.body.status);
  const send = (body: object) =>
    new Promise<void>((resolve) =>
      broker!.publish(
        {
          cmd: 'publish',
          topic: deviceTopic(SITE, 'loa-1', { family: 'cmd' }),
          payload: Buffer.from(JSON.stringify(body)),
          qos: 1,
          retain: false,
          dup: false,
        },
        () => resolve(),
      ),
    );

  async function startSpeaker(logger?: LinkLogger): Promise<SimSpeaker> {
    const speaker = new SimSpeaker({
      url: `mqtt://127.0.0.1:${port}`,
      site: SITE,
      id: 'loa-1',
      secret: 'x',
      fw: '1.0.0',
      logger,
    });
    links.push(speaker.link);
    const subscribed = new Promise<void>((resolve) =>
      broker!.on('subscribe', (subs) => {
        if (subs.some((s) => s.topic === deviceTopic(SITE, 'loa-1', { family: 'cmd' }))) resolve();
      }),
    );
    speaker.start();
    await subscribed;
    return speaker;
  }

  it('answers ping and volume, and prepares an asset only when its size and sha256 match', async () => {
    const speaker = await startSpeaker();
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}/a.mp3`;
    const asset = { url, sha256, bytes: audio.length, duration_s: 30 };
    await send({ id: 'p1', type: 'ping' });
    await send({ id: 'v1', type: 'volume', volume: 40 });
    await send({ id: 'pr1', type: 'prepare', asset });
    await send({ id: 'pr2', type: 'prepare', asset: { ...asset, sha256: '0'.repeat(64) } });
    await send({ id: 'pr3', type: 'prepare', asset: { ...asset, bytes: audio.length + 1 } });
    await until(() => ['pr1', 'pr2', 'pr3'].every((id) => acks(id).length === 2), 'prepare acks');
    expect(statuses('p1')).toEqual(['done']);
    expect(statuses('v1')).toEqual(['done']);
    expect(speaker.volume).toBe(40);
    expect(statuses('pr1')).toEqual(['received', 'ready']);
    expect(acks('pr2')[1]!.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/sha256/) });
    expect(acks('pr3')[1]!.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/size/) });
    expect(acks('p1')[0]).toMatchObject({ qos: 1, body: { ts: expect.any(String) } });
  });

  it('plays at start_at, lets a higher tier preempt, rejects a lower one, and stops', async () => {
    const speaker = await startSpeaker();
    const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    const asset = { url: `${base}/a.mp3`, sha256, bytes: audio.length, duration_s: 30 };
    const play = (id: string, priority: string, extra: object = {}) =>
      send({
        id,
        type: 'play',
        program: `prog-${id}`,
        asset,
        start_at: isoWithOffset(new Date()),
        offset_s: 0,
        volume: 60,
        priority,
        ...extra,
      });

    await play('n1', 'normal');
    await until(() => statuses('n1').includes('playing'), 'normal playing');
    expect(Timestamp.safeParse(acks('n1')[1]!.body.started_at).success).toBe(true);
    expect(speaker.playing).toBe('prog-n1');

    await play('e1', 'emergency', { volume: 100 });
    await until(() => statuses('e1').includes('playing'), 'emergency playing');
    expect(statuses('n1')).toEqual(['received', 'playing', 'stopped']);
    expect(speaker.volume).toBe(100);

    await play('n2', 'normal');
    await until(() => statuses('n2').includes('rejected'), 'lower tier answered');
    expect(statuses('n2')).toEqual(['received', 'rejected']);
    expect(acks('n2')[1]!.body).toMatchObject({
      status: 'rejected',
      error: 'playing emergency program prog-e1',
    });

    await send({ id: 's1', type: 'stop', program: 'prog-e1' });
    await until(() => statuses('s1').length === 1, 'stop answered');
    expect(statuses('s1')).toEqual(['done']);
    expect(statuses('e1')).toEqual(['received', 'playing', 'stopped']);
    expect(speaker.playing).toBeUndefined();

    // Joining 29.7 s into a 30 s program, 300 ms from now: plays for the rest, then done.
    const startAt = new Date(Date.now() + 300);
    await play('q1', 'priority', { start_at: isoWithOffset(startAt), offset_s: 29.7 });
    await until(() => statuses('q1').includes('done'), 'short program done', 10_000);
    expect(statuses('q1')).toEqual(['received', 'playing', 'done']);
    const startedAt = Date.parse(acks('q1')[1]!.body.started_at as string);
    expect(startedAt).toBeGreaterThanOrEqual(startAt.getTime() - 5);
    const doneAt = Date.parse(acks('q1')[2]!.body.ts as string);
    expect(doneAt - startedAt).toBeGreaterThanOrEqual(250);

    // An asset never prepared is downloaded at play time, and a mismatch fails the play.
    const unprepared = { ...asset, url: `${base}/other.mp3`, sha256: '1'.repeat(64), bytes: other.length };
    await play('f1', 'normal', { asset: unprepared });
    await until(() => statuses('f1').includes('failed'), 'bad asset failed');
    expect(statuses('f1')).toEqual(['received', 'failed']);
    expect(acks('f1')[1]!.body.error).toMatch(/^sha256 [0-9a-f]{64} does not match$/);
  });

  it('rejects a command it cannot parse with the reason, ignores one without an id, and is reborn', async () => {
    const warnings: string[] = [];
    const logger: LinkLogger = {
      debug() {},
      info() {},
      warn: (_details, message) => warnings.push(message),
      error() {},
    };
    const speaker = await startSpeaker(logger);
    await send({ id: 'bad1', type: 'play', program: 'x' });
    await send({ type: 'ping' });
    await send({ id: 'r1', type: 'rebirth' });
    await until(() => statuses('r1').length === 1, 'rebirth answered');
    expect(acks('bad1')[0]!.body).toMatchObject({
      status: 'rejected',
      error: expect.stringMatching(/start_at: required/),
    });
    expect(on('loa-1', { family: 'ack' }).map((r) => r.body.id)).toEqual(['bad1', 'r1']);
    expect(warnings.filter((w) => w === 'bad command')).toHaveLength(2);
    const births = on('loa-1', { family: 'state' }).filter((r) => r.body.online === true);
    expect(births).toHaveLength(2);
    expect(births[1]!.body).toMatchObject({ kind: 'speaker', boot: speaker.link.boot });
  });
});
