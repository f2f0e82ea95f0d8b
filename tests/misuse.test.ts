import { beforeEach, describe, expect, it } from 'vitest';
import { Alerts } from '../hub/src/alerts/index.ts';
import { EventBus } from '../hub/src/bus.ts';
import { isOfficeTime, loadSiteConfig, officerAt } from '../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import { Ingest, Outbox, Rejections } from '../hub/src/ingest/index.ts';
import { createLogger } from '../hub/src/log.ts';
import { Ratings } from '../hub/src/ratings/index.ts';
import { openStore, type Store } from '../hub/src/store/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';

// Suspect presses are flagged, never dropped (DESIGN §6): hand-made cases on a real store.

const config = loadSiteConfig(EXAMPLE_CONFIG);
const hanoi = (local: string) => new Date(`${local}+07:00`);

describe('office time (site time zone, sessions, holidays)', () => {
  it.each([
    ['2026-11-23T07:29:59.999', false], // Monday, before the morning session
    ['2026-11-23T07:30:00.000', true],
    ['2026-11-23T11:29:59.999', true],
    ['2026-11-23T11:30:00.000', false], // lunch break
    ['2026-11-23T13:30:00.000', true],
    ['2026-11-23T16:59:59.999', true],
    ['2026-11-23T17:00:00.000', false],
    ['2026-11-21T09:00:00.000', false], // Saturday
    ['2026-09-02T09:00:00.000', false], // Quốc khánh, a Wednesday
    ['2026-04-27T09:00:00.000', false], // nghỉ bù Giỗ Tổ Hùng Vương
  ])('%s local → %s', (local, expected) => {
    expect(isOfficeTime(config, hanoi(local))).toBe(expected);
  });
});

describe('rating flags', () => {
  let db: Store;
  let ingest: Ingest;
  let seq = 0;

  beforeEach(async () => {
    db = openStore(':memory:');
    const log = createLogger('silent');
    const bus = new EventBus(log);
    const devices = new DeviceRegistry(db);
    await devices.add({ id: 'btn-1', kind: 'rating-button', desk: config.desks[0]!.id }, placementOf(config));
    ingest = new Ingest({
      site: config.site.code,
      db,
      devices,
      outbox: new Outbox(db),
      rejections: new Rejections(db, log, bus),
      bus,
      log,
      officerOnDuty: (desk, at) => officerAt(config, desk, at),
      ratings: new Ratings(db, { isOfficeTime: (at) => isOfficeTime(config, at), repeatIntervalMs: 5_000 }),
      alerts: new Alerts(db, { unsatisfiedShare: 0.3, windowMs: 3_600_000, minRatings: 5 }),
      now: () => hanoi('2026-11-23T17:30:00.000'),
    });
    seq = 0;
  });

  const press = (local: string) =>
    ingest.accept(
      'btn-1',
      deviceTopic(config.site.code, 'btn-1', { family: 'evt', event: 'rating' }),
      Buffer.from(JSON.stringify({ boot: 'flag0001', seq: seq++, score: 4, scale: 4, ts: `${local}+07:00` })),
    );
  const flags = () =>
    (
      db.prepare("SELECT tags, fields FROM outbox WHERE measurement = 'rating' ORDER BY id").all() as Array<{
        tags: string;
        fields: string;
      }>
    ).map((row) => [JSON.parse(row.tags).misuse, JSON.parse(row.fields).misuse_reason]);

  it('flags presses within the repeat interval of the last counted press, and keeps them all', () => {
    press('2026-11-23T09:00:00.000'); // counted
    press('2026-11-23T09:00:02.000'); // 2 s after the counted one
    press('2026-11-23T09:00:04.999'); // still within 5 s of the counted one
    press('2026-11-23T09:00:05.000'); // 5 s: counted again
    press('2026-11-23T09:00:09.000'); // 4 s after that
    expect(flags()).toEqual([
      ['false', ''],
      ['true', 'repeat'],
      ['true', 'repeat'],
      ['false', ''],
      ['true', 'repeat'],
    ]);
  });

  it('flags presses outside office hours, on a day off and on a holiday', () => {
    press('2026-11-23T12:15:00.000'); // lunch
    press('2026-11-21T10:00:00.000'); // Saturday
    press('2026-09-02T10:00:00.000'); // Quốc khánh
    press('2026-11-23T14:00:00.000'); // counted
    press('2026-11-23T17:00:01.000'); // after hours
    expect(flags()).toEqual([
      ['true', 'outside-hours'],
      ['true', 'outside-hours'],
      ['true', 'outside-hours'],
      ['false', ''],
      ['true', 'outside-hours'],
    ]);
  });

  it('gives every reason that applies', () => {
    press('2026-11-23T16:59:58.000');
    press('2026-11-23T17:00:01.000');
    expect(flags()).toEqual([
      ['false', ''],
      ['true', 'repeat,outside-hours'],
    ]);
  });
});
