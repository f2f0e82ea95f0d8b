import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayStatus } from '../hub/src/broadcasts/index.ts';
import { statement } from '../hub/src/store/index.ts';
import { SimSpeaker, type SpeakerFaults } from '../simulators/src/devices.ts';
import { silentWav } from './helpers/audio.ts';
import { provisionSim, startRadioHub, type TestHub, until } from './helpers/hub.ts';
import { outboxPoints } from './helpers/outbox-points.ts';
import { VirtualClock } from './helpers/virtual-clock.ts';

// A compressed day on the radio over real MQTT: 20 simulated speakers in 3 zones, a clock the
// test moves, and every airing on every speaker ending in the play log with the status this test
// works out on its own from the day's plan and the speakers' faults.

const DAY = '2026-11-24'; // a Tuesday, no holiday; quiet hours 11:30–13:30 and 21:00–05:30 (site.example.yaml)
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+07:00`);
const operator = { name: 'phat-thanh-vien', role: 'operator' };
const leader = { name: 'chu-tich', role: 'leader' };

/** Zone → its speakers, and the faults some of them have. */
const ZONES: Record<string, string[]> = {
  'thon-dong': ['loa-d1', 'loa-d2', 'loa-d3', 'loa-d4', 'loa-d5', 'loa-d6', 'loa-d7', 'loa-d8'],
  'thon-doai': ['loa-o1', 'loa-o2', 'loa-o3', 'loa-o4', 'loa-o5', 'loa-o6', 'loa-o7'],
  'thon-trung': ['loa-t1', 'loa-t2', 'loa-t3', 'loa-t4', 'loa-t5'],
};
const OFFLINE = 'loa-d8'; // powered off all day
const BAD_DOWNLOAD = 'loa-o7'; // every download arrives corrupted
const DRIFTING = 'loa-t5'; // its clock runs 90 s fast: it knows, and refuses timed plays
const FAULTS: Record<string, SpeakerFaults> = {
  [BAD_DOWNLOAD]: { badDownload: true },
  [DRIFTING]: { clockDriftMs: 90_000 },
};

describe('a day on the radio', () => {
  const clock = new VirtualClock(at('05:50'));
  let hub: TestHub;
  const speakers: SimSpeaker[] = [];
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    hub = await startRadioHub(clock.now);
    for (const [zone, list] of Object.entries(ZONES)) {
      for (const id of list) {
        const speaker = new SimSpeaker({
          ...(await provisionSim(hub, { id, kind: 'speaker', zone })),
          clock: clock.now,
          timer: clock.timer,
          faults: FAULTS[id],
        });
        speakers.push(speaker);
        if (id !== OFFLINE) speaker.start();
      }
    }
    await until(
      () => speakers.every((s) => s.link.id === OFFLINE || hub.devices.get(s.link.id)?.online),
      'speakers online',
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(speakers.map((s) => s.stop()));
    await hub?.close();
  });

  /** What the hub knows of acks: settled when two looks a little apart see the same count. */
  const acks = () =>
    Number((statement(hub.store, 'SELECT COUNT(*) AS n FROM radio_acks').get() as { n: number }).n);
  async function settle(): Promise<void> {
    await hub.radio.tick();
    let seen = -1;
    for (let quiet = 0; quiet < 2; ) {
      await new Promise((r) => setTimeout(r, 15));
      const now = acks();
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
  }

  async function approved(input: Parameters<TestHub['programs']['create']>[0]): Promise<number> {
    const program = await hub.programs.create(input, operator);
    await hub.programs.submit(program.id, operator);
    await hub.programs.approve(program.id, leader);
    return program.id;
  }

  it('airs every program on every speaker and logs each airing as it ended', async () => {
    const bulletin = await hub.assets.add('ban-tin-sang.wav', silentWav(180), operator.name);
    const notice = await hub.assets.add('thong-bao.wav', silentWav(120), operator.name);
    const all = Object.keys(ZONES);
    ids.morning = await approved({
      title: 'Bản tin sáng',
      tier: 'normal',
      zones: all,
      content: { kind: 'audio', asset: bulletin.sha256 },
      schedule: { from: DAY, time: '06:00', recurrence: { kind: 'daily' } },
    });
    ids.quiet = await approved({
      title: 'Thông báo tiêm chủng',
      tier: 'normal',
      zones: ['thon-dong'],
      content: { kind: 'audio', asset: notice.sha256 },
      schedule: { from: DAY, time: '11:45', recurrence: { kind: 'once' } },
    });
    ids.music = await approved({
      title: 'Tiếp sóng VOV1',
      tier: 'normal',
      zones: ['thon-doai'],
      content: { kind: 'stream', url: 'http://127.0.0.1:9/vov1', duration_s: 600 },
      schedule: { from: DAY, time: '09:00', recurrence: { kind: 'once' } },
    });
    ids.power = await approved({
      title: 'Lịch cắt điện',
      tier: 'priority',
      zones: ['thon-trung'],
      content: { kind: 'audio', asset: notice.sha256 },
      schedule: { from: DAY, time: '14:00', recurrence: { kind: 'weekly', days: ['tue'], every_weeks: 1 } },
    });
    ids.repeated = await approved({
      title: 'Phòng chống dịch',
      tier: 'normal',
      zones: ['thon-trung'],
      content: { kind: 'audio', asset: notice.sha256 },
      schedule: {
        from: DAY,
        time: '16:00',
        recurrence: { kind: 'daily' },
        repeat: { count: 2, gap_min: 10 },
      },
    });
    const draft = await hub.programs.create(
      {
        title: 'Bản nháp',
        tier: 'normal',
        zones: all,
        content: { kind: 'audio', asset: notice.sha256 },
        schedule: { from: DAY, time: '15:00', recurrence: { kind: 'once' } },
      },
      operator,
    );

    await settle();
    await clock.advanceTo(at('09:03'), 10 * 60_000, settle);
    const emergency = await hub.programs.emergency(
      {
        title: 'Bão số 9',
        content: {
          kind: 'text',
          text: 'Khẩn cấp: bão số 9 đổ bộ lúc 14h30 ngày 24/11/2026. UBND xã đề nghị bà con gọi 0912 345 678 khi cần.',
        },
        zones: ['thon-doai', 'thon-trung'],
        confirm: true,
      },
      leader,
    );
    const emergencyS = emergency.duration_s;
    expect(emergencyS).toBeGreaterThan(3);
    await settle();
    await clock.advanceTo(at('16:45'), 10 * 60_000, settle);

    // The plan, worked out here: each program's airings, each speaker's fault.
    const expected: Array<[number, string, string, PlayStatus]> = [];
    const add = (
      program: number,
      zones: string[],
      status: (speaker: string) => PlayStatus,
      times = ['06:00'],
    ) => {
      for (const time of times)
        for (const zone of zones) for (const s of ZONES[zone]!) expected.push([program, time, s, status(s)]);
    };
    const normally = (s: string): PlayStatus =>
      s === OFFLINE ? 'missed' : s === BAD_DOWNLOAD || s === DRIFTING ? 'failed' : 'played';
    add(ids.morning!, all, normally);
    add(ids.quiet!, ['thon-dong'], () => 'held', ['11:45']);
    // The stream needs no download; the emergency cuts into it.
    add(ids.music!, ['thon-doai'], () => 'preempted', ['09:00']);
    add(emergency.id, ['thon-doai', 'thon-trung'], normally, ['09:03']);
    add(ids.power!, ['thon-trung'], normally, ['14:00']);
    add(ids.repeated!, ['thon-trung'], normally, ['16:00', '16:12']);

    const log = hub.radio.playLog({ from: DAY, to: DAY });
    const hhmm = (iso: string) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(11, 16);
    expect(log.map((e) => [e.program, hhmm(e.scheduled_at), e.speaker, e.status]).sort()).toEqual(
      expected.map(([p, time, s, status]) => [p, time, s, status]).sort(),
    );
    expect(log.some((e) => e.program === draft.id)).toBe(false); // a draft never airs

    // On time to the millisecond on this clock, and whole where it played.
    for (const entry of log.filter((e) => e.status === 'played')) {
      expect(entry.offset_ms).toBe(0);
    }
    expect(log.find((e) => e.program === ids.morning && e.status === 'played')!.played_s).toBe(180);
    expect(log.find((e) => e.speaker === BAD_DOWNLOAD && e.status === 'failed')!.error).toMatch(
      /sha256 [0-9a-f]{64} does not match/,
    );
    expect(log.find((e) => e.speaker === DRIFTING)!.error).toBe('clock not synchronised');

    // The emergency took the air from the stream at 09:03; it resumed where it was cut.
    const music = log.filter((e) => e.program === ids.music);
    for (const entry of music) {
      expect(entry.offset_ms).toBe(0);
      expect(entry.played_s).toBeCloseTo(600 - emergencyS, 1);
    }
    const resumed = statement(
      hub.store,
      'SELECT DISTINCT start_ms, offset_ms FROM radio_plays WHERE program = ? ORDER BY start_ms',
    ).all(ids.music!) as Array<{ start_ms: number; offset_ms: number }>;
    expect(resumed.map((r) => [Number(r.start_ms) - at('09:00'), Number(r.offset_ms)])).toEqual([
      [0, 0],
      [180_000 + Math.round(emergencyS * 1000), 180_000],
    ]);

    // Each entry also went to InfluxDB's broadcast measurement, at the airing's time.
    const points = outboxPoints(hub.store, 'broadcast');
    expect(points).toHaveLength(expected.length);
    expect(
      points.find((p) => p.tags.speaker === OFFLINE && p.tags.program === String(ids.morning)),
    ).toMatchObject({
      tags: { zone: 'thon-dong', priority: 'normal' },
      fields: { status: 'missed', played_s: 0 },
      timeMs: at('06:00'),
    });

    const summary = hub.radio.summary(DAY, DAY);
    expect(summary.find((s) => s.zone === 'thon-trung' && s.tier === 'normal')).toMatchObject({
      airings: 3,
      minutes_aired: 3 + 2 * 2,
      statuses: { played: 3 * 4, failed: 3 },
    });
  }, 120_000);
});
