import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Programs, Radio } from '../hub/src/broadcasts/index.ts';
import { EventBus } from '../hub/src/bus.ts';
import type { DeviceRecord } from '../hub/src/devices/index.ts';
import { IngestSteps, Outbox } from '../hub/src/ingest/index.ts';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore } from '../hub/src/store/index.ts';
import { onlineSpeaker } from '../tests/helpers/speaker-record.ts';
import { percentile } from './measure.ts';

export type RadioResult = {
  programs: number;
  zones: number;
  speakers: number;
  /** Commands the first look sent: six hours of plays and their prepares for every speaker. */
  firstLookCommands: number;
  firstLookMs: number;
  lookP50Ms: number;
  lookMaxMs: number;
  /** The longest the event loop was held while the engine looked (monitorEventLoopDelay, 1 ms resolution). */
  eventLoopMaxMs: number;
};

const ZONES = [
  'thon-dong',
  'thon-doai',
  'thon-trung',
  'thon-thuong',
  'thon-ha',
  'thon-tan-phu',
  'thon-dong-tam',
  'thon-minh-khai',
];
const SPEAKERS_PER_ZONE = 3;
const LOOKS = Number(process.env.BENCH_RADIO_LOOKS ?? 30);

/**
 * The on-air engine's cost on a busy commune: `BENCH_RADIO_PROGRAMS` programs (40) over 8 zones of
 * 3 speakers, a real store on disk. A full look plans every zone six hours ahead and closes what
 * ended; the engine hands the event loop back between zones.
 */
export async function benchRadio(): Promise<RadioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-radio-'));
  const db = openStore(join(dir, 'hub.sqlite'));
  const log = createLogger('silent');
  const commits = new GroupCommit(db, log);
  const startMs = Date.parse('2026-11-24T05:00:00+07:00');
  let nowMs = startMs;
  const programs = new Programs({
    db,
    commits,
    contents: {
      resolve: async (c) => ({
        content: c as never,
        durationMs: (c as { duration_s: number }).duration_s * 1000,
      }),
    },
    timezone: 'Asia/Ho_Chi_Minh',
    zones: ZONES,
    now: () => new Date(nowMs),
  });
  const count = Number(process.env.BENCH_RADIO_PROGRAMS ?? 40);
  for (let i = 0; i < count; i++) {
    const minutes = 5 * 60 + i * 23; // spread over the day, 05:00 to about 20:00
    const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    const program = await programs.create(
      {
        title: `Chương trình ${i + 1}`,
        tier: i % 9 === 0 ? 'priority' : 'normal',
        zones: ZONES.filter((_, z) => (i + z) % 3 !== 0),
        content: { kind: 'stream', url: 'http://radio.local/vov1', duration_s: 60 * (3 + (i % 12)) },
        schedule: {
          from: '2026-11-24',
          time,
          recurrence:
            i % 2 ? { kind: 'daily' } : { kind: 'weekly', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
          ...(i % 5 === 0 ? { repeat: { count: 2, gap_min: 5 } } : {}),
        },
        on_overlap: 'queue_after',
      },
      { name: 'phat-thanh-vien', role: 'operator' },
    );
    programs.submit(program.id, { name: 'phat-thanh-vien', role: 'operator' });
    programs.approve(program.id, { name: 'chu-tich', role: 'leader' });
  }
  const speakers: DeviceRecord[] = ZONES.flatMap((zone) =>
    Array.from({ length: SPEAKERS_PER_ZONE }, (_, i) => onlineSpeaker(`loa-${zone}-${i}`, zone)),
  );
  let sent = 0;
  const radio = new Radio({
    site: 'xa-tan-lap',
    db,
    commits,
    outbox: new Outbox(db, commits),
    steps: new IngestSteps(),
    bus: new EventBus(log),
    calendar: { timezone: 'Asia/Ho_Chi_Minh', holidays: [], quietHours: [{ start: '11:30', end: '13:30' }] },
    approved: () => programs.approved(),
    program: (id) => programs.get(id),
    asset: () => undefined,
    assetUrl: (sha) => `http://hub.local/${sha}`,
    speakers: () => speakers,
    send: async () => {
      sent += 1;
    },
    now: () => new Date(nowMs),
    clockSynced: () => true,
    log,
  });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let t0 = performance.now();
  await radio.tick();
  const firstLookMs = performance.now() - t0;
  const firstLookCommands = sent;
  const looks: number[] = [];
  for (let i = 0; i < LOOKS; i++) {
    nowMs += 60_000; // a minute on each time: airings end and enter the horizon
    t0 = performance.now();
    await radio.tick();
    looks.push(performance.now() - t0);
  }
  delay.disable();
  await radio.stop();
  await commits.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    programs: count,
    zones: ZONES.length,
    speakers: speakers.length,
    firstLookCommands,
    firstLookMs,
    lookP50Ms: percentile(looks, 50),
    lookMaxMs: Math.max(...looks),
    eventLoopMaxMs: delay.max / 1e6,
  };
}
