import { describe, expect, it } from 'vitest';
import { Programs, Radio } from '../hub/src/broadcasts/index.ts';
import { EventBus } from '../hub/src/bus.ts';
import { IngestSteps, Outbox } from '../hub/src/ingest/index.ts';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore, statement } from '../hub/src/store/index.ts';
import type { Command } from '../protocol/index.ts';
import { onlineSpeaker } from './helpers/speaker-record.ts';

// The on-air engine against a real store: nothing before the clock is synchronised, plays hours
// ahead, the same command after a restart, and a stop for a play whose program was cancelled.

const MIN = 60_000;
const START = Date.parse('2026-11-24T05:00:00+07:00');
const leader = { name: 'chu-tich', role: 'leader' };
const operator = { name: 'phat-thanh-vien', role: 'operator' };
const speaker = onlineSpeaker('loa-1', 'thon-dong');

function engine(db = openStore(':memory:')) {
  let nowMs = START;
  let synced = false;
  const sent: Command[] = [];
  const log = createLogger('silent');
  const commits = new GroupCommit(db, log);
  const programs = new Programs({
    db,
    commits,
    contents: { resolve: async (c) => ({ content: c as never, durationMs: 10 * MIN }) },
    timezone: 'Asia/Ho_Chi_Minh',
    zones: ['thon-dong'],
    now: () => new Date(nowMs),
  });
  const make = () =>
    new Radio({
      site: 'tan-lap',
      db,
      commits,
      outbox: new Outbox(db, commits),
      steps: new IngestSteps(),
      bus: new EventBus(log),
      calendar: { timezone: 'Asia/Ho_Chi_Minh', holidays: [], quietHours: [] },
      approved: () => programs.approved(),
      program: (id) => programs.get(id),
      asset: () => undefined,
      assetUrl: (sha) => `http://hub.local/${sha}`,
      speakers: () => [speaker],
      send: async (_device, command) => {
        sent.push(command);
      },
      now: () => new Date(nowMs),
      clockSynced: () => synced,
      log,
    });
  return {
    db,
    programs,
    sent,
    make,
    sync: () => {
      synced = true;
    },
    at: (ms: number) => {
      nowMs = ms;
    },
  };
}

async function approvedAt(e: ReturnType<typeof engine>, time: string) {
  const program = await e.programs.create(
    {
      title: `Bản tin ${time}`,
      tier: 'normal',
      zones: ['thon-dong'],
      content: { kind: 'stream', url: 'http://radio.local/vov1', duration_s: 600 },
      schedule: { from: '2026-11-24', time, recurrence: { kind: 'daily' } },
    },
    operator,
  );
  await e.programs.submit(program.id, operator);
  await e.programs.approve(program.id, leader);
  return program.id;
}

describe('on-air engine', () => {
  it('arms nothing until the clock is synchronised, then sends plays up to six hours ahead', async () => {
    const e = engine();
    await approvedAt(e, '06:00');
    await approvedAt(e, '10:30');
    await approvedAt(e, '11:30'); // beyond six hours from 05:00
    const radio = e.make();
    await radio.tick();
    expect(radio.armed).toBe(false);
    expect(e.sent).toEqual([]);
    e.sync();
    await radio.tick();
    expect(radio.armed).toBe(true);
    expect(e.sent.map((c) => c.type === 'play' && [c.start_at, c.end_at, c.offset_s])).toEqual([
      ['2026-11-23T23:00:00.000Z', '2026-11-23T23:10:00.000Z', 0],
      ['2026-11-24T03:30:00.000Z', '2026-11-24T03:40:00.000Z', 0],
    ]);
    await radio.tick();
    expect(e.sent).toHaveLength(2); // sent once
  });

  it('names each play by its program, airing and start: a restarted hub sends nothing twice', async () => {
    const e = engine();
    await approvedAt(e, '06:00');
    e.sync();
    e.at(START + 65 * MIN); // 06:05, the hub's first look: the program is 5 minutes in
    const first = e.make();
    await first.tick();
    expect(e.sent).toMatchObject([{ type: 'play', start_at: '2026-11-23T23:00:00.000Z', offset_s: 0 }]);
    e.at(START + 66 * MIN);
    await e.make().tick(); // a new engine on the same store: nothing to send again
    expect(e.sent).toHaveLength(1);
  });

  it('withdraws a play whose program was cancelled, with a stop naming it', async () => {
    const e = engine();
    const id = await approvedAt(e, '06:00');
    e.sync();
    const radio = e.make();
    await radio.tick();
    const play = e.sent[0]!;
    await e.programs.cancel(id, operator);
    await radio.tick();
    expect(e.sent[1]).toEqual({ id: `${play.id}-s`, type: 'stop', play: play.id });
  });

  it('logs an airing no speaker answered as missed, and drops its plays a week later, keeping the log', async () => {
    const e = engine();
    await approvedAt(e, '06:00');
    e.sync();
    const radio = e.make();
    await radio.tick(); // sends the 06:00 play; the speaker never answers
    e.at(START + 80 * MIN); // 06:20: ten minutes after the slot, past the five the late acks get
    await radio.tick();
    const count = (table: string) =>
      Number((statement(e.db, `SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
    expect(radio.playLog({ from: '2026-11-24', to: '2026-11-24' })).toMatchObject([
      { speaker: 'loa-1', status: 'missed', offset_ms: null, played_s: 0 },
    ]);
    expect(count('radio_plays')).toBeGreaterThan(0);
    e.at(START + 8 * 86_400_000);
    await radio.tick();
    expect(count('play_log')).toBeGreaterThan(1); // the days since were logged too
    expect(
      statement(e.db, 'SELECT COUNT(*) AS n FROM radio_plays WHERE airing_start_ms < ?').get(
        START + 86_400_000,
      ),
    ).toEqual({ n: 0 });
  });
});

describe('clock offset', () => {
  it('reads the offset systemd-timesyncd measured, in milliseconds', async () => {
    const { parseOffsetMs } = await import('../hub/src/broadcasts/clock-sync.ts');
    expect(
      parseOffsetMs('       Server: 10.0.0.1 (ntp.vn)\n       Offset: -1.234ms\n        Delay: 2ms'),
    ).toBe(-1);
    expect(parseOffsetMs('Offset: +250us')).toBe(0);
    expect(parseOffsetMs('Offset: +1.5s')).toBe(1500);
    expect(parseOffsetMs('no time server')).toBeUndefined();
  });
});
