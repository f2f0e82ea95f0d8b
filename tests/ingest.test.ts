import { beforeEach, describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { type DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import type { Ingest, IngestSteps, Outbox, Rejections } from '../hub/src/ingest/index.ts';
import type { Store } from '../hub/src/store/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';
import { ingestStack } from './helpers/ingest-stack.ts';
import { outboxPoints } from './helpers/outbox-points.ts';

// Ingest against a real SQLite store: identity, outbox points, time rules, availability.

const config = loadSiteConfig(EXAMPLE_CONFIG);
const SITE = config.site.code;
const DESK = config.desks[0]!;
const NOW = new Date('2026-11-23T02:00:00.000Z'); // Monday 09:00 in Hà Nội

let db: Store;
let devices: DeviceRegistry;
let outbox: Outbox;
let ingest: Ingest;
let rejections: Rejections;
let steps: IngestSteps;

const rows = <T>(sql: string) => db.prepare(sql).all() as T[];
const send = (tail: Parameters<typeof deviceTopic>[2], body: object, device = 'btn-1') =>
  ingest.accept(device, deviceTopic(SITE, device, tail), Buffer.from(JSON.stringify(body)));

beforeEach(async () => {
  ({ db, devices, outbox, rejections, ingest, steps } = ingestStack(config, () => NOW));
  await devices.add({ id: 'btn-1', kind: 'rating-button', desk: DESK.id }, placementOf(config));
});

describe('events', () => {
  it('keeps an event once however often it arrives, identified by (device, boot, seq)', () => {
    const rating = { boot: 'boot0001', seq: 7, score: 1, scale: 4, ts: '2026-11-23T08:59:58.250+07:00' };
    send({ family: 'evt', event: 'rating' }, rating);
    send({ family: 'evt', event: 'rating' }, rating);
    send({ family: 'evt', event: 'rating' }, { ...rating, boot: 'boot0002' });
    expect(rows('SELECT boot, seq FROM events ORDER BY boot')).toEqual([
      { boot: 'boot0001', seq: 7 },
      { boot: 'boot0002', seq: 7 },
    ]);
    expect(ingest.stats()).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(outbox.backlog()).toBe(2);
  });

  it("keeps each event once whatever order its boot's events come in, and after the hub starts again", () => {
    const rating = (seq: number) => ({ boot: 'boot0001', seq, score: 4, scale: 4 });
    const sendAll = (to: Ingest, seqs: number[]) => {
      for (const seq of seqs) {
        to.accept(
          'btn-1',
          deviceTopic(SITE, 'btn-1', { family: 'evt', event: 'rating' }),
          Buffer.from(JSON.stringify(rating(seq))),
        );
      }
    };
    // 3 and 4 come late, 6 to 8 never; then repeats of each kind.
    sendAll(ingest, [0, 1, 2, 5, 3, 9, 1, 5, 3, 9]);
    expect(ingest.stats()).toMatchObject({ accepted: 6, duplicates: 4 });
    // Started again over the same store, the hub remembers what it took in before.
    const again = ingestStack(config, () => NOW, db).ingest;
    sendAll(again, [0, 2, 3, 5, 9, 4, 10, 4, 10]);
    expect(again.stats()).toMatchObject({ accepted: 2, duplicates: 7 });
    expect(rows<{ seq: number }>('SELECT seq FROM events ORDER BY seq').map((e) => e.seq)).toEqual([
      0, 1, 2, 3, 4, 5, 9, 10,
    ]);
  });

  it('turns a rating into the point of docs/influxdb.md, attributed to the desk and the official on duty', () => {
    send(
      { family: 'evt', event: 'rating' },
      { boot: 'boot0001', seq: 0, score: 1, scale: 4, ts: '2026-11-23T08:59:58.250+07:00' },
    );
    const [point] = outboxPoints(db);
    expect(point!.measurement).toBe('rating');
    expect(point!.tags).toEqual({
      site: SITE,
      desk: DESK.id,
      device: 'btn-1',
      officer: DESK.officer,
      misuse: 'false',
    });
    expect(point!.fields).toEqual({
      score: 1,
      scale: 4,
      satisfied: 0,
      unsatisfied: 1,
      seq: 0,
      boot: 'boot0001',
      misuse_reason: '',
    });
    expect(point!.timeMs).toBe(Date.parse('2026-11-23T01:59:58.250Z'));
  });

  it('stamps the receive time, 1 ms apart per device, when the device clock is not synchronised or far ahead', () => {
    send({ family: 'evt', event: 'rating' }, { boot: 'boot0001', seq: 0, score: 4, scale: 4 });
    send(
      { family: 'evt', event: 'rating' },
      { boot: 'boot0001', seq: 1, score: 4, scale: 4, ts: '2026-11-23T09:01:01.000+07:00' },
    );
    send(
      { family: 'evt', event: 'rating' },
      { boot: 'boot0001', seq: 2, score: 4, scale: 4, ts: '2026-11-23T09:00:59.000+07:00' },
    );
    const times = outboxPoints(db).map((p) => p.timeMs);
    expect(times).toEqual([NOW.getTime(), NOW.getTime() + 1, Date.parse('2026-11-23T02:00:59.000Z')]);
    expect(ingest.stats().future_timestamps).toBe(1);
  });

  it('rejects a malformed event with a reason, stores it as a dead letter, and keeps nothing else', () => {
    send({ family: 'evt', event: 'rating' }, { boot: 'boot0001', seq: 0, score: 5, scale: 4 });
    expect(rows('SELECT kind, reason FROM rejected')).toEqual([
      { kind: 'payload', reason: 'score: must be between 1 and scale' },
    ]);
    expect(rows('SELECT * FROM events')).toEqual([]);
    expect(rejections.counts()).toMatchObject({ payload: 1, total: 1 });
  });
});

describe('availability', () => {
  it('goes online on a birth, ignores a will of an earlier boot, and goes offline on its own will', () => {
    send({ family: 'state' }, { online: true, kind: 'rating-button', fw: '1.0.0', boot: 'boot0002' });
    expect(devices.get('btn-1')).toMatchObject({ online: true, boot: 'boot0002', fw: '1.0.0' });
    send({ family: 'state' }, { online: false, boot: 'boot0001' });
    expect(devices.get('btn-1')!.online).toBe(true);
    send({ family: 'state' }, { online: false, boot: 'boot0002' });
    expect(devices.get('btn-1')!.online).toBe(false);
    expect(outboxPoints(db, 'device').map((p) => p.fields.online)).toEqual([1, 0]);
  });

  it('refuses a birth whose kind differs from the registry', () => {
    send({ family: 'state' }, { online: true, kind: 'speaker', fw: '1.0.0', boot: 'boot0002' });
    expect(devices.get('btn-1')!.online).toBe(false);
    expect(rows<{ reason: string }>('SELECT reason FROM rejected')[0]!.reason).toMatch(
      /registered as "rating-button"/,
    );
  });

  it('refuses an event type that is not its kind of device, and keeps nothing of it', () => {
    send({ family: 'evt', event: 'presence' }, { boot: 'boot0001', seq: 0, present: true });
    expect(rows<{ reason: string }>('SELECT reason FROM rejected')[0]!.reason).toBe(
      'presence events come from a presence-sensor; "btn-1" is registered as a rating-button',
    );
    expect(rows('SELECT * FROM events')).toEqual([]);
    expect(rows('SELECT * FROM presence_changes')).toEqual([]);
  });
});

describe('what domains do with an event', () => {
  const rating = { boot: 'boot0001', seq: 0, score: 1, scale: 4, ts: '2026-11-23T08:59:58.250+07:00' };

  it('runs in the transaction that accepts it: a step that fails rolls the whole event back, with no PUBACK', () => {
    steps.on('rating', 'test', () => {
      throw new Error('disk full');
    });
    expect(() => send({ family: 'evt', event: 'rating' }, rating)).toThrow('disk full');
    // Nothing of the event was kept, not even by the domains that ran before: the device sends it again.
    expect(rows('SELECT * FROM events')).toEqual([]);
    expect(rows('SELECT * FROM ratings')).toEqual([]);
    expect(rows('SELECT * FROM alerts')).toEqual([]);
    expect(outbox.backlog()).toBe(0);
    steps.removeOwner('test');
    send({ family: 'evt', event: 'rating' }, rating);
    expect(rows('SELECT seq FROM ratings')).toEqual([{ seq: 0 }]);
    expect(rows<{ kind: string }>('SELECT kind FROM alerts').map((a) => a.kind)).toEqual([
      'unsatisfied-rating',
    ]);
  });

  it('keeps the identities of a batch whose one message failed, all but that one', async () => {
    steps.on('rating', 'test', ({ body }) => {
      if (body.seq === 1) throw new Error('disk full');
    });
    const topic = deviceTopic(SITE, 'btn-1', { family: 'evt', event: 'rating' });
    const submitAll = (seqs: number[]) =>
      Promise.all(
        seqs.map(
          (seq) =>
            new Promise<string>((resolve) =>
              ingest.submit('btn-1', topic, Buffer.from(JSON.stringify({ ...rating, seq })), (err) =>
                resolve(err?.message ?? 'ok'),
              ),
            ),
        ),
      );
    // One batch: the first run of it fails, then each message runs alone.
    expect(await submitAll([0, 1, 2])).toEqual(['ok', 'disk full', 'ok']);
    steps.removeOwner('test');
    expect(await submitAll([0, 1, 2])).toEqual(['ok', 'ok', 'ok']);
    expect(ingest.stats()).toMatchObject({ accepted: 3, duplicates: 2 });
    expect(rows('SELECT seq FROM events ORDER BY seq')).toEqual([{ seq: 0 }, { seq: 1 }, { seq: 2 }]);
  });

  it('reaches each domain once per event, in the order they registered, never for a duplicate', () => {
    const seen: string[] = [];
    steps.on('rating', 'first', ({ body }) => seen.push(`first:${body.seq}`));
    steps.on('rating', 'second', ({ body, device }) => seen.push(`second:${body.seq}:${device.id}`));
    send({ family: 'evt', event: 'rating' }, rating);
    send({ family: 'evt', event: 'rating' }, rating);
    expect(seen).toEqual(['first:0', 'second:0:btn-1']);
  });
});
