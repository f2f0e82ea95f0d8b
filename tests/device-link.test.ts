import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DeviceLink,
  type EventQueue,
  FileQueue,
  isoWithOffset,
  MemoryQueue,
} from '../firmware/src/link/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { SimSpeaker } from '../simulators/src/devices.ts';
import { until } from './helpers/hub.ts';

// The device side of protocol v1 against a real aedes broker on a real TCP port (no auth: the
// hub's authentication is tested elsewhere); what the broker receives is what we check.

const SITE = 'xa-tan-lap';
type Received = { topic: string; body: Record<string, unknown>; retain: boolean };

let broker: Aedes;
let server: Server;
let port: number;
let received: Received[];
let dir: string;
const links: DeviceLink[] = [];

async function startBroker(atPort = 0): Promise<void> {
  broker = await Aedes.createBroker();
  broker.on('publish', (packet) => {
    if (!packet.topic.startsWith('thanthien/')) return;
    received.push({ topic: packet.topic, body: JSON.parse(String(packet.payload)), retain: packet.retain });
  });
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(atPort, '127.0.0.1', () => resolve()));
  port = (server.address() as { port: number }).port;
}

async function stopBroker(): Promise<void> {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function link(id: string, extra: Partial<ConstructorParameters<typeof DeviceLink>[0]> = {}): DeviceLink {
  const l = new DeviceLink({
    url: `mqtt://127.0.0.1:${port}`,
    site: SITE,
    id,
    secret: 'unused',
    kind: 'rating-button',
    fw: '1.0.0',
    reconnectPeriodMs: 100,
    ...extra,
  });
  links.push(l);
  return l;
}

const events = (id: string) =>
  received.filter((r) => r.topic === deviceTopic(SITE, id, { family: 'evt', event: 'rating' }));

beforeEach(async () => {
  received = [];
  dir = mkdtempSync(join(tmpdir(), 'tt-link-'));
  await startBroker();
});

afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop().catch(() => undefined)));
  await stopBroker().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('device link', () => {
  it('publishes the birth on connect and sets the will of its boot', async () => {
    const l = link('btn-1');
    l.start();
    await until(() => received.length > 0, 'birth');
    expect(received[0]).toMatchObject({
      topic: deviceTopic(SITE, 'btn-1', { family: 'state' }),
      retain: true,
      body: { online: true, kind: 'rating-button', fw: '1.0.0', boot: l.boot },
    });
    expect(l.boot).toMatch(/^[a-z0-9]{8}$/);
    l.cut();
    await until(() => received.some((r) => r.body.online === false), 'will');
    expect(received.at(-1)).toMatchObject({ body: { online: false, boot: l.boot }, retain: true });
  });

  it('numbers events from 0 per boot, with a local timestamp, and delivers them in order', async () => {
    const l = link('btn-2');
    l.start();
    for (let i = 0; i < 50; i++) l.record('rating', { score: 1 + (i % 4), scale: 4 });
    await until(() => events('btn-2').length === 50 && l.queueLength === 0, '50 events acked');
    expect(events('btn-2').map((e) => e.body.seq)).toEqual([...Array(50).keys()]);
    expect(events('btn-2')[0]!.body).toMatchObject({
      boot: l.boot,
      score: 1,
      scale: 4,
      ts: expect.stringMatching(/\.\d{3}[+-]\d{2}:\d{2}$/),
    });
  });

  it('omits ts while the clock is not synchronised', async () => {
    const l = link('btn-3', { clockSynced: () => false });
    l.start();
    l.record('rating', { score: 3, scale: 4 });
    await until(() => events('btn-3').length === 1, 'event');
    expect(events('btn-3')[0]!.body).not.toHaveProperty('ts');
  });

  it('keeps 500 events made while the hub is away and delivers all of them, in order', async () => {
    const l = link('btn-4');
    l.start();
    await until(() => l.connected, 'connected');
    await stopBroker();
    await until(() => !l.connected, 'disconnected');
    for (let i = 0; i < 500; i++) l.record('rating', { score: 4, scale: 4 });
    expect(l.queueLength).toBe(500);
    await startBroker(port);
    await until(() => l.queueLength === 0, 'queue drained', 40_000);
    const seqs = events('btn-4').map((e) => e.body.seq as number);
    // Each at least once, and the first arrivals in order (a resend after a cut may repeat one).
    expect(new Set(seqs).size).toBe(500);
    expect([...new Set(seqs)]).toEqual([...Array(500).keys()]);
  });

  it('keeps its queue across a reboot when the board has storage', async () => {
    const file = join(dir, 'queue.jsonl');
    await stopBroker();
    const before = link('btn-5', { queue: new FileQueue(file) });
    before.start();
    const recorded = [
      before.record('rating', { score: 2, scale: 4 }),
      before.record('rating', { score: 4, scale: 4 }),
    ];
    await before.stop(); // the power goes; nothing was acknowledged
    await startBroker(port);
    const after = link('btn-5', { queue: new FileQueue(file) });
    expect(after.boot).not.toBe(before.boot);
    after.start();
    await until(() => events('btn-5').length === 2 && after.queueLength === 0, 'events of the earlier boot');
    expect(events('btn-5').map((e) => [e.body.boot, e.body.seq])).toEqual(
      recorded.map((r) => [r.boot, r.seq]),
    );
  });
});

function queueSuite(name: string, make: () => EventQueue) {
  describe(`${name} (shared queue suite)`, () => {
    const event = (seq: number) => ({ key: `b:${seq}`, topic: 't', body: { seq } });

    it('keeps events oldest first until removed', () => {
      const q = make();
      for (let i = 0; i < 5; i++) q.push(event(i));
      expect(q.peek(2).map((e) => e.body.seq)).toEqual([0, 1]);
      expect(q.remove('b:1')).toBe(true);
      expect(q.remove('b:1')).toBe(false);
      expect(q.peek(10).map((e) => e.body.seq)).toEqual([0, 2, 3, 4]);
      expect(q.length).toBe(4);
      q.close();
    });
  });
}

queueSuite('MemoryQueue', () => new MemoryQueue());
queueSuite('FileQueue', () => new FileQueue(join(mkdtempSync(join(tmpdir(), 'tt-q-')), 'q.jsonl')));

describe('FileQueue journal', () => {
  it('replays after a reopen, skips a torn last line, and compacts', async () => {
    const file = join(dir, 'journal.jsonl');
    const q = new FileQueue(file);
    for (let i = 0; i < 3000; i++) q.push({ key: `b:${i}`, topic: 't', body: { seq: i } });
    for (let i = 0; i < 2990; i++) q.remove(`b:${i}`);
    q.close();
    const { appendFileSync, readFileSync } = await import('node:fs');
    appendFileSync(file, '{"key":"b:torn","topic":"t","bo');
    const reopened = new FileQueue(file);
    expect(reopened.peek(100).map((e) => e.body.seq)).toEqual([
      2990, 2991, 2992, 2993, 2994, 2995, 2996, 2997, 2998, 2999,
    ]);
    reopened.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(10);
  });
});

describe('simulated speaker', () => {
  let http: HttpServer;
  const audio = Buffer.from('ID3 loa thon dong — thong bao');
  const sha256 = createHash('sha256').update(audio).digest('hex');

  beforeEach(async () => {
    http = createHttpServer((_req, res) => res.end(audio));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  });
  afterEach(() => new Promise<void>((resolve) => http.close(() => resolve())));

  const acks = () => received.filter((r) => r.topic.endsWith('/ack')).map((r) => [r.body.id, r.body.status]);
  const send = (body: object) =>
    new Promise<void>((resolve) =>
      broker.publish(
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

  it('answers ping, volume, prepare (verified), play with preemption, and rejects a bad command', async () => {
    const speaker = new SimSpeaker({
      url: `mqtt://127.0.0.1:${port}`,
      site: SITE,
      id: 'loa-1',
      secret: 'x',
      fw: '1.0.0',
    });
    links.push(speaker.link);
    speaker.start();
    await until(() => received.some((r) => r.body.kind === 'speaker'), 'speaker birth');
    await until(() => broker.connectedClients === 1, 'subscribed');
    await new Promise((r) => setTimeout(r, 100));
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}/a.mp3`;
    const asset = { url, sha256, bytes: audio.length, duration_s: 30 };
    await send({ id: 'p1', type: 'ping' });
    await send({ id: 'v1', type: 'volume', volume: 40 });
    await send({ id: 'pr1', type: 'prepare', asset });
    await send({ id: 'pr2', type: 'prepare', asset: { ...asset, sha256: '0'.repeat(64) } });
    await until(() => acks().some(([id, s]) => id === 'pr2' && s === 'failed'), 'prepare acks');
    expect(acks()).toEqual(
      expect.arrayContaining([
        ['p1', 'done'],
        ['v1', 'done'],
        ['pr1', 'ready'],
        ['pr2', 'failed'],
      ]),
    );
    expect(speaker.volume).toBe(40);

    const now = isoWithOffset(new Date());
    await send({
      id: 'n1',
      type: 'play',
      program: 'ban-tin',
      asset,
      start_at: now,
      offset_s: 0,
      volume: 60,
      priority: 'normal',
    });
    await until(() => acks().some(([id, s]) => id === 'n1' && s === 'playing'), 'normal playing');
    await send({
      id: 'e1',
      type: 'play',
      program: 'khan-cap',
      asset,
      start_at: now,
      offset_s: 29.5,
      volume: 100,
      priority: 'emergency',
    });
    await until(() => acks().some(([id, s]) => id === 'e1' && s === 'done'), 'emergency done', 10_000);
    expect(
      acks()
        .filter(([id]) => id === 'n1')
        .map(([, s]) => s),
    ).toEqual(['received', 'playing', 'stopped']);
    expect(
      acks()
        .filter(([id]) => id === 'e1')
        .map(([, s]) => s),
    ).toEqual(['received', 'playing', 'done']);

    await send({ id: 'bad1', type: 'play', program: 'x' });
    await until(() => acks().some(([id]) => id === 'bad1'), 'rejection');
    const rejection = received.find((r) => r.topic.endsWith('/ack') && r.body.id === 'bad1')!.body;
    expect(rejection).toMatchObject({ status: 'rejected', error: expect.stringMatching(/asset: required/) });
  });
});
