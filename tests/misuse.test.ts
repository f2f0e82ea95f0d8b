import { beforeEach, describe, expect, it } from 'vitest';
import { isOfficeTime, loadSiteConfig } from '../hub/src/config/index.ts';
import { type DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import type { Ingest } from '../hub/src/ingest/index.ts';
import type { Store } from '../hub/src/store/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';
import { ingestStack } from './helpers/ingest-stack.ts';
import { outboxPoints } from './helpers/outbox-points.ts';

// Suspect presses are flagged, never dropped (docs/architecture.md): hand-made cases on a real store.

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
  let devices: DeviceRegistry;
  let seq = 0;

  beforeEach(async () => {
    ({ db, ingest, devices } = ingestStack(config, () => hanoi('2026-11-23T17:30:00.000')));
    await devices.add({ id: 'btn-1', kind: 'rating-button', desk: config.desks[0]!.id }, placementOf(config));
    await devices.add(
      { id: 'pir-1', kind: 'presence-sensor', desk: config.desks[0]!.id },
      placementOf(config),
    );
    seq = 0;
  });

  const see = (local: string, present: boolean) =>
    ingest.accept(
      'pir-1',
      deviceTopic(config.site.code, 'pir-1', { family: 'evt', event: 'presence' }),
      Buffer.from(JSON.stringify({ boot: 'seen0001', seq: seq++, present, ts: `${local}+07:00` })),
    );
  const press = (local: string) =>
    ingest.accept(
      'btn-1',
      deviceTopic(config.site.code, 'btn-1', { family: 'evt', event: 'rating' }),
      Buffer.from(JSON.stringify({ boot: 'flag0001', seq: seq++, score: 4, scale: 4, ts: `${local}+07:00` })),
    );
  const flags = () => outboxPoints(db, 'rating').map((p) => [p.tags.misuse, p.fields.misuse_reason]);

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

  it('keeps the last counted press of each box when the hub starts again', () => {
    press('2026-11-23T09:00:00.000'); // counted
    // Started again over the same store: 2 s after the counted press is still a repeat.
    ({ ingest } = ingestStack(config, () => hanoi('2026-11-23T17:30:00.000'), db));
    press('2026-11-23T09:00:02.000');
    press('2026-11-23T09:00:05.000'); // counted again
    ({ ingest } = ingestStack(config, () => hanoi('2026-11-23T17:30:00.000'), db));
    press('2026-11-23T09:00:06.000');
    expect(flags()).toEqual([
      ['false', ''],
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

  it('flags presses at a desk its sensor saw empty; an unknown desk is not flagged', () => {
    press('2026-11-23T08:00:00.000'); // no report yet: unknown
    see('2026-11-23T08:30:00.000', false);
    press('2026-11-23T08:40:00.000'); // nobody at the desk
    see('2026-11-23T08:45:00.000', true);
    press('2026-11-23T08:50:00.000'); // staffed again
    expect(flags()).toEqual([
      ['false', ''],
      ['true', 'unstaffed'],
      ['false', ''],
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
