import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DASHBOARDS,
  dashboardJson,
  documented,
  type PanelQueries,
  panelsOf,
} from '../dashboards/src/index.ts';
import { wilsonLowerBound } from '../hub/src/ratings/index.ts';
import { statement } from '../hub/src/store/index.ts';
import { deviceTopic, type RATING_REASONS } from '../protocol/index.ts';
import { SimPresenceSensor, SimRatingButton, SimSpeaker } from '../simulators/src/devices.ts';
import { silentWav } from './helpers/audio.ts';
import { provisionSim, startRadioHub, type TestHub, until } from './helpers/hub.ts';
import { type Influxd, startInfluxd } from './helpers/influxd.ts';
import { nextBatch } from './helpers/outbox-points.ts';
import { VirtualClock } from './helpers/virtual-clock.ts';

// The leaders' dashboards (docs/dashboards.md). The JSON is what the code generates; and every
// query of every panel, with Grafana's macros and template variables filled in as Grafana fills
// them, runs on a real InfluxDB fed through the hub by simulated devices, and answers with the
// figures this test works out on its own from what those devices sent.

const at = (local: string) => Date.parse(`${local}+07:00`);
const NOW = at('2026-11-24T16:30');
/** Where Grafana's relative periods start at NOW, in Asia/Ho_Chi_Minh with weeks from Monday. */
const STARTS: Record<string, number> = {
  'now/d': at('2026-11-24T00:00'),
  'now/w': at('2026-11-23T00:00'),
  'now/M': at('2026-11-01T00:00'),
};
const rangeStart = (expr: string) => {
  if (STARTS[expr] !== undefined) return STARTS[expr];
  const relative = /^(?:now-)?(\d+)([dh])$/.exec(expr);
  if (!relative) throw new Error(`a period this test does not know: ${expr}`);
  return NOW - Number(relative[1]) * (relative[2] === 'd' ? 86_400_000 : 3_600_000);
};

const OFFICER = { 'quay-1': 'nguyen-thi-hoa', 'quay-2': 'tran-van-hung', 'quay-3': 'le-thi-mai' } as const;
type Desk = keyof typeof OFFICER;
const DESKS = Object.keys(OFFICER) as Desk[];
type Reason = (typeof RATING_REASONS)[number];
type Press = { at: string; desk: Desk; score: number; reason?: Reason };

/** The presses (scale 4: 1 unsatisfied, 3–4 satisfied), on weekdays of this month. */
const PRESSES: Press[] = [
  { at: '2026-11-10T09:00:00', desk: 'quay-1', score: 4 },
  { at: '2026-11-10T09:10:00', desk: 'quay-1', score: 3 },
  { at: '2026-11-10T09:20:00', desk: 'quay-2', score: 1, reason: 'paperwork' },
  { at: '2026-11-10T10:00:00', desk: 'quay-3', score: 4 },
  { at: '2026-11-23T08:00:00', desk: 'quay-1', score: 2 },
  { at: '2026-11-23T08:30:00', desk: 'quay-2', score: 4 },
  { at: '2026-11-23T09:00:00', desk: 'quay-3', score: 1, reason: 'waiting' },
  { at: '2026-11-23T09:30:00', desk: 'quay-3', score: 3 },
  { at: '2026-11-24T08:00:00', desk: 'quay-1', score: 4 },
  { at: '2026-11-24T08:00:03', desk: 'quay-1', score: 4 }, // again within 5 s: flagged
  { at: '2026-11-24T08:30:00', desk: 'quay-2', score: 3 },
  { at: '2026-11-24T09:15:00', desk: 'quay-2', score: 1, reason: 'attitude' }, // nobody at the desk: flagged
  { at: '2026-11-24T10:00:00', desk: 'quay-3', score: 1, reason: 'waiting' },
  { at: '2026-11-24T10:30:00', desk: 'quay-1', score: 1, reason: 'attitude' },
  { at: '2026-11-24T12:00:00', desk: 'quay-3', score: 4 }, // lunch break: flagged
  { at: '2026-11-24T14:00:00', desk: 'quay-2', score: 4 },
  { at: '2026-11-24T15:00:00', desk: 'quay-3', score: 2 },
  { at: '2026-11-24T16:10:00', desk: 'quay-1', score: 3 },
];

/** Each desk's presence sensor on the 24th: on at 07:30, then these transitions. */
const SENSORS_ON = '2026-11-24T07:30:00';
const TRANSITIONS: Array<{ at: string; desk: Desk; present: boolean }> = [
  { at: '2026-11-24T09:00:00', desk: 'quay-2', present: false },
  { at: '2026-11-24T09:45:00', desk: 'quay-2', present: true },
  { at: '2026-11-24T16:00:00', desk: 'quay-3', present: false },
];
/** A desk's state at `t` by the transitions above; undefined before its sensor first spoke. */
function presentAt(desk: Desk, t: number): boolean | undefined {
  if (t < at(SENSORS_ON)) return undefined;
  let present = true;
  for (const tr of TRANSITIONS) if (tr.desk === desk && at(tr.at) <= t) present = tr.present;
  return present;
}

/** The presses that count, by the rules of docs/indicators.md, worked out here. */
const COUNTED = (() => {
  const lastCounted = new Map<Desk, number>();
  return PRESSES.filter((p) => {
    const t = at(p.at);
    const hhmm = p.at.slice(11, 16);
    const inHours = (hhmm >= '07:30' && hhmm < '11:30') || (hhmm >= '13:30' && hhmm < '17:00');
    const repeat = t - (lastCounted.get(p.desk) ?? Number.NEGATIVE_INFINITY) < 5000;
    if (!inHours || repeat || presentAt(p.desk, t) === false) return false;
    lastCounted.set(p.desk, t);
    return true;
  });
})();

/** Telemetry three devices send, twice. */
const TELEMETRY = [
  {
    at: '2026-11-24T16:00:00',
    device: 'btn-1',
    battery_mv: 3900,
    rssi_dbm: -58,
    queue_len: 0,
    uptime_s: 3600,
  },
  {
    at: '2026-11-24T16:00:00',
    device: 'pir-1',
    battery_mv: 3300,
    rssi_dbm: -71,
    queue_len: 2,
    uptime_s: 7200,
  },
  {
    at: '2026-11-24T16:00:00',
    device: 'loa-d1',
    battery_mv: 12100,
    rssi_dbm: -80,
    queue_len: 0,
    uptime_s: 900,
  },
  {
    at: '2026-11-24T16:20:00',
    device: 'btn-1',
    battery_mv: 3880,
    rssi_dbm: -60,
    queue_len: 1,
    uptime_s: 4800,
  },
  {
    at: '2026-11-24T16:20:00',
    device: 'pir-1',
    battery_mv: 3280,
    rssi_dbm: -75,
    queue_len: 0,
    uptime_s: 8400,
  },
  {
    at: '2026-11-24T16:20:00',
    device: 'loa-d1',
    battery_mv: 12050,
    rssi_dbm: -77,
    queue_len: 0,
    uptime_s: 2100,
  },
];
const HEALTH_SAMPLES = ['2026-11-24T14:55:00', '2026-11-24T15:05:00'];
const BAD_MESSAGE = '2026-11-24T15:02:00';
const UNPLUGGED = { at: '2026-11-24T16:25:00', device: 'btn-3' };

/** The radio: zone → speakers; one never comes online. */
const ZONES = { 'thon-dong': ['loa-d1', 'loa-d2'], 'thon-doai': ['loa-o1', 'loa-o2'] } as const;
const NEVER_ONLINE = 'loa-o2';
const AIRINGS = [
  { time: '06:00', tier: 'normal', zones: ['thon-dong', 'thon-doai'], seconds: 60 },
  { time: '14:00', tier: 'priority', zones: ['thon-doai'], seconds: 30 },
] as const;

type Row = Record<string, unknown>;
let influxd: Influxd;
let hub: TestHub;
const clock = new VirtualClock(at('2026-11-10T08:00:00'));
const buttons = new Map<Desk, SimRatingButton>();
const sensors = new Map<Desk, SimPresenceSensor>();
const speakers: SimSpeaker[] = [];
/** When each event the devices sent was accepted (the clock stands still while it is). */
const eventTimes: number[] = [];
let hubStartedAt = 0;
/** The hub's health as the test saw it when it asked for each sample. */
const healthSamples: Array<{ time: number; backlog: number; rss: number; accepted: number }> = [];

const storedEvents = () =>
  Number((statement(hub.store, 'SELECT COUNT(*) AS n FROM events').get() as { n: number }).n);

async function settle(): Promise<void> {
  await hub.radio.tick();
  const acks = () =>
    Number((statement(hub.store, 'SELECT COUNT(*) AS n FROM radio_acks').get() as { n: number }).n);
  let seen = -1;
  for (let quiet = 0; quiet < 2; ) {
    await new Promise((r) => setTimeout(r, 15));
    quiet = acks() === seen ? quiet + 1 : 0;
    seen = acks();
  }
}

/** Record an event at the clock's time and wait until the hub has it. */
async function event(send: () => void): Promise<void> {
  send();
  eventTimes.push(clock.nowMs);
  await until(() => storedEvents() === eventTimes.length, 'the hub to store the event');
}

beforeAll(async () => {
  influxd = await startInfluxd();
  // No health timer: the test takes the hub's health samples itself, at moments it chooses.
  hub = await startRadioHub(clock.now, { TT_INFLUX_URL: `${influxd.url}/thanthien`, TT_HEALTH_POINT_S: '0' });
  hubStartedAt = clock.nowMs;
  for (const [i, desk] of DESKS.entries()) {
    const n = i + 1;
    const options = { clock: clock.now };
    buttons.set(
      desk,
      new SimRatingButton({
        ...(await provisionSim(hub, { id: `btn-${n}`, kind: 'rating-button', desk })),
        ...options,
      }),
    );
    sensors.set(
      desk,
      new SimPresenceSensor({
        ...(await provisionSim(hub, { id: `pir-${n}`, kind: 'presence-sensor', desk })),
        ...options,
        present: true,
      }),
    );
  }
  for (const b of buttons.values()) b.start();
  await until(() => [...buttons.values()].every((b) => hub.devices.get(b.link.id)?.online), 'buttons online');

  // The days before: presses only, the clock jumping a day at a time.
  const actions: Array<{ at: number; run: () => Promise<void> }> = [];
  for (const p of PRESSES) {
    actions.push({
      at: at(p.at),
      run: async () => {
        const button = buttons.get(p.desk)!;
        let seq = -1;
        await event(() => {
          seq = button.press(p.score, 4).seq;
        });
        if (p.reason) await event(() => button.reason(seq, p.reason!));
      },
    });
  }
  actions.push({
    at: at(SENSORS_ON),
    run: async () => {
      for (const sensor of sensors.values()) await event(() => sensor.start());
    },
  });
  for (const tr of TRANSITIONS)
    actions.push({ at: at(tr.at), run: () => event(() => sensors.get(tr.desk)!.set(tr.present)) });
  for (const sample of HEALTH_SAMPLES)
    actions.push({
      at: at(sample),
      run: async () => {
        // What the sample will read, read in the same turn of the event loop.
        const backlog = (hub.health().store as { outbox_backlog: number }).outbox_backlog;
        const rss = process.memoryUsage.rss() / 1_048_576;
        hub.sampleHealth();
        healthSamples.push({ time: clock.nowMs, backlog, rss, accepted: eventTimes.length });
      },
    });
  actions.push({
    at: at(BAD_MESSAGE),
    run: async () => {
      const rejected = () => (hub.health().rejected as { total: number }).total;
      const before = rejected();
      const button = buttons.get('quay-1')!;
      await button.link.publishRaw(
        deviceTopic(hub.config.site.code, button.link.id, { family: 'evt', event: 'rating' }),
        { boot: 'bad00001', seq: 1, score: 9, scale: 4 },
      );
      await until(() => rejected() === before + 1, 'the bad rating refused');
    },
  });
  for (const sent of TELEMETRY) {
    actions.push({
      at: at(sent.at),
      run: async () => {
        const { at: _, device, ...fields } = sent;
        const link = [...buttons.values(), ...sensors.values(), ...speakers].find(
          (d) => d.link.id === device,
        )!.link;
        const before = hub.devices.get(device)?.telemetryAt;
        link.telemetry(fields);
        await until(() => hub.devices.get(device)?.telemetryAt !== before, `telemetry of ${device}`);
      },
    });
  }
  actions.push({
    at: at(UNPLUGGED.at),
    run: async () => {
      await buttons.get('quay-3')!.stop();
      await until(() => hub.devices.get(UNPLUGGED.device)?.online === false, 'btn-3 offline');
    },
  });
  actions.push({ at: at('2026-11-24T05:50:00'), run: startRadio });
  actions.sort((a, b) => a.at - b.at);

  for (const action of actions) {
    const dayStep = action.at < at('2026-11-24T05:50:00') ? 86_400_000 : 10 * 60_000;
    await clock.advanceTo(action.at, dayStep, settle);
    await action.run();
  }
  await clock.advanceTo(NOW, 10 * 60_000, settle);
  hub.presence.tick(); // the attendance of the day so far, as the hub's own 10-second check writes it
  await nextBatch();
  const backlog = () => (hub.health().store as { outbox_backlog: number }).outbox_backlog;
  await until(() => backlog() === 0, 'the outbox written to InfluxDB', 60_000);

  // Everything in InfluxDB: every rating, every airing on every speaker, the last online point.
  const airings = AIRINGS.reduce((n, a) => n + a.zones.reduce((m, z) => m + ZONES[z].length, 0), 0);
  await until(
    async () => {
      const [ratings] = await influxd.query('SELECT COUNT("score") FROM "rating"').catch(() => []);
      const [broadcasts] = await influxd.query('SELECT COUNT("status") FROM "broadcast"').catch(() => []);
      const [offline] = await influxd
        .query(`SELECT COUNT("online") FROM "recent"."device" WHERE "online" = 0`)
        .catch(() => []);
      return (
        Number(ratings?.count) === PRESSES.length &&
        Number(broadcasts?.count) === airings &&
        Number(offline?.count) === 1
      );
    },
    'the day in InfluxDB',
    60_000,
  );
}, 240_000);

afterAll(async () => {
  await Promise.all([...buttons.values(), ...sensors.values(), ...speakers].map((d) => d.stop()));
  await hub?.close();
  await influxd?.close();
});

async function startRadio(): Promise<void> {
  for (const [zone, ids] of Object.entries(ZONES)) {
    for (const id of ids) {
      const speaker = new SimSpeaker({
        ...(await provisionSim(hub, { id, kind: 'speaker', zone })),
        clock: clock.now,
        timer: clock.timer,
      });
      speakers.push(speaker);
      if (id !== NEVER_ONLINE) speaker.start();
    }
  }
  await until(
    () => speakers.every((s) => s.link.id === NEVER_ONLINE || hub.devices.get(s.link.id)?.online),
    'speakers online',
  );
  const operator = { name: 'phat-thanh-vien', role: 'operator' } as const;
  const leader = { name: 'chu-tich', role: 'leader' } as const;
  for (const airing of AIRINGS) {
    const asset = await hub.assets.add(`${airing.time}.wav`, silentWav(airing.seconds), operator.name);
    const program = await hub.programs.create(
      {
        title: `Chương trình ${airing.time}`,
        tier: airing.tier,
        zones: [...airing.zones],
        content: { kind: 'audio', asset: asset.sha256 },
        schedule: { from: '2026-11-24', time: airing.time, recurrence: { kind: 'once' } },
      },
      operator,
    );
    await hub.programs.submit(program.id, operator);
    await hub.programs.approve(program.id, leader);
  }
}

describe('the dashboards as code', () => {
  it('are committed as the code generates them (npm run dashboards)', () => {
    for (const { file, build } of DASHBOARDS)
      expect(readFileSync(`dashboards/${file}`, 'utf8'), `dashboards/${file}: run npm run dashboards`).toBe(
        dashboardJson(build),
      );
    const docs = readFileSync('docs/dashboards.md', 'utf8');
    expect(docs, 'docs/dashboards.md: run npm run dashboards').toBe(documented(docs));
  });
});

// ——— What each panel must answer, worked out from the lists above ———

type Context = {
  from: number;
  to: number;
  desks: readonly string[];
  officers: readonly string[];
  zones: readonly string[];
};
type Answers = Record<string, Row[]>;
const ms = (row: Row) => Number(row.time);
const sortBy = <T>(rows: T[], key: (r: T) => string) =>
  [...rows].sort((a, b) => key(a).localeCompare(key(b)));
const localDay = (t: number) => new Date(t + 7 * 3_600_000).toISOString().slice(0, 10);

/** The desks the variables leave in. */
const picked = (c: Context) => DESKS.filter((d) => c.desks.includes(d));

function countedIn(c: Context): Press[] {
  return COUNTED.filter(
    (p) =>
      at(p.at) >= c.from &&
      at(p.at) <= c.to &&
      c.desks.includes(p.desk) &&
      c.officers.includes(OFFICER[p.desk]),
  );
}
function totalsOf(presses: Press[]) {
  const rated = presses.length;
  const satisfied = presses.filter((p) => p.score >= 3).length;
  const unsatisfied = presses.filter((p) => p.score === 1).length;
  return { rated, satisfied, unsatisfied, share: satisfied / rated, ratio: (rated - unsatisfied) / rated };
}
const one = (answers: Answers) => {
  const rows = Object.values(answers)[0]!;
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

function rankingAnswer(by: 'desk' | 'officer') {
  return (answers: Answers, c: Context) => {
    const keyOf = (p: Press): string => (by === 'desk' ? p.desk : OFFICER[p.desk]);
    const groups = Map.groupBy(countedIn(c), keyOf);
    const rows = sortBy(answers.A!, (r) => String(r[by]));
    expect(rows.map((r) => r[by])).toEqual([...groups.keys()].sort());
    for (const row of rows) {
      const t = totalsOf(groups.get(String(row[by]))!);
      expect(row).toMatchObject({ rated: t.rated, satisfied: t.satisfied });
      expect(row.share_satisfied).toBeCloseTo(t.share, 10);
      expect(row.ranking_score).toBeCloseTo(wilsonLowerBound(t.satisfied, t.rated), 10);
    }
  };
}

const PANELS: Record<string, (answers: Answers, c: Context) => void> = {
  // Tổng quan
  'Hôm nay / Today': (a, c) => expect(one(a).rated).toBe(countedIn(c).length),
  'Tuần này / This week': (a, c) => expect(one(a).rated).toBe(countedIn(c).length),
  'Tháng này / This month': (a, c) => expect(one(a).rated).toBe(countedIn(c).length),
  'Tỷ lệ hài lòng / Share satisfied': (a, c) =>
    expect(one(a).share_satisfied).toBeCloseTo(totalsOf(countedIn(c)).share, 10),
  'Chỉ số hài lòng (0–100) / Satisfaction index': (a, c) => {
    const presses = countedIn(c);
    expect(one(a).index).toBeCloseTo(
      (100 * presses.reduce((s, p) => s + (p.score - 1) / 3, 0)) / presses.length,
      10,
    );
  },
  'Tỷ lệ theo Quyết định 766 / Ratio of Decision 766': (a, c) =>
    expect(one(a).satisfaction_ratio).toBeCloseTo(totalsOf(countedIn(c)).ratio, 10),
  'Không hài lòng / Unsatisfied': (a, c) =>
    expect(one(a).unsatisfied).toBe(totalsOf(countedIn(c)).unsatisfied),
  'Đánh giá không hài lòng / Unsatisfied ratings': (a, c) => {
    const expected = countedIn(c)
      .filter((p) => p.score === 1)
      .sort((x, y) => at(y.at) - at(x.at))
      .map((p) => [at(p.at), p.desk, OFFICER[p.desk], 1]);
    expect(a.A!.map((r) => [ms(r), r.desk, r.officer, r.score])).toEqual(expected);
  },
  'Lý do không hài lòng / Reasons': (a, c) => {
    // Reasons carry no misuse flag: every reason given in the period counts.
    const given = PRESSES.filter(
      (p) =>
        p.reason && at(p.at) >= c.from && c.desks.includes(p.desk) && c.officers.includes(OFFICER[p.desk]),
    );
    const expected = Object.fromEntries(
      [...Map.groupBy(given, (p) => p.reason!)].map(([r, ps]) => [r, ps.length]),
    );
    expect(Object.fromEntries(a.A!.map((r) => [r.reason, r.ratings]))).toEqual(expected);
  },
  'Xếp hạng quầy / Desks ranked': rankingAnswer('desk'),
  'Xếp hạng công chức / Officials ranked': rankingAnswer('officer'),
  'Tỷ lệ hài lòng theo ngày / Share satisfied by day': (a, c) => {
    const byDay = Map.groupBy(countedIn(c), (p) => p.at.slice(0, 10));
    expect(a.A!.map((r) => localDay(ms(r)))).toEqual([...byDay.keys()]);
    for (const row of a.A!) {
      const t = totalsOf(byDay.get(localDay(ms(row)))!);
      expect(row.share_satisfied).toBeCloseTo(t.share, 10);
      expect(row.satisfaction_ratio).toBeCloseTo(t.ratio, 10);
    }
  },
  'Lượt đánh giá theo ngày và quầy / Ratings by day and desk': (a, c) => {
    const expected = Map.groupBy(countedIn(c), (p) => `${p.at.slice(0, 10)} ${p.desk}`);
    expect(Object.fromEntries(a.A!.map((r) => [`${localDay(ms(r))} ${r.desk}`, r.rated]))).toEqual(
      Object.fromEntries([...expected].map(([k, ps]) => [k, ps.length])),
    );
  },

  // Bàn làm việc trực tiếp
  'Bây giờ / Now': (a, c) =>
    expect(Object.fromEntries(a.A!.map((r) => [r.desk, r.present]))).toEqual(
      Object.fromEntries(picked(c).map((d) => [d, presentAt(d, c.to) ? 1 : 0])),
    ),
  'Trạng thái từng quầy / Desk states': (a, c) => {
    expect(new Set(a.A!.map((r) => r.desk))).toEqual(new Set(picked(c)));
    for (const row of a.A!) {
      const state = presentAt(row.desk as Desk, ms(row));
      expect(row.present, `${row.desk} at ${new Date(ms(row)).toISOString()}`).toBe(
        state === undefined ? null : state ? 1 : 0,
      );
    }
  },
  'Chấm công hôm nay / Attendance today': (a, c) => {
    // Office minutes so far today (07:30–11:30, 13:30–17:00), each by the desk's state.
    const sessions = [
      [at('2026-11-24T07:30'), at('2026-11-24T11:30')],
      [at('2026-11-24T13:30'), at('2026-11-24T17:00')],
    ];
    const expected = (desk: Desk) => {
      const minutes = { office_min: 0, staffed_min: 0, absent_min: 0, unknown_min: 0 };
      for (const [from, to] of sessions)
        for (let t = from!; t < Math.min(to!, c.to); t += 60_000) {
          const state = presentAt(desk, t);
          minutes.office_min += 1;
          minutes[state === undefined ? 'unknown_min' : state ? 'staffed_min' : 'absent_min'] += 1;
        }
      return minutes;
    };
    expect(
      Object.fromEntries(
        a.A!.map(({ desk, office_min, staffed_min, absent_min, unknown_min }) => [
          desk,
          { office_min, staffed_min, absent_min, unknown_min },
        ]),
      ),
    ).toEqual(Object.fromEntries(picked(c).map((d) => [d, expected(d)])));
  },
  'Cảm biến trực tuyến / Sensors online': (a) =>
    expect(Object.fromEntries(a.A!.map((r) => [r.device, r.online]))).toEqual({
      'pir-1': 1,
      'pir-2': 1,
      'pir-3': 1,
    }),

  // Truyền thanh
  'Lịch phát và kết quả theo loa / Scheduled and played, per speaker': (a, c) => {
    const expected = new Map<string, Record<string, number>>();
    for (const airing of AIRINGS)
      for (const zone of zonesOf(airing, c))
        for (const speaker of ZONES[zone]) {
          const row = expected.get(`${zone} ${speaker}`) ?? { scheduled: 0 };
          const status = speaker === NEVER_ONLINE ? 'missed' : 'played';
          row.scheduled! += 1;
          row[status] = (row[status] ?? 0) + 1;
          expected.set(`${zone} ${speaker}`, row);
        }
    const got = new Map<string, Record<string, number>>();
    for (const [refId, rows] of Object.entries(a))
      for (const r of rows) {
        const key = `${r.zone} ${r.speaker}`;
        got.set(key, {
          ...got.get(key),
          [refId === 'all' ? 'scheduled' : refId]: Number(r[refId === 'all' ? 'scheduled' : refId]),
        });
      }
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
  },
  'Độ trễ khi bắt đầu / Start delay': (a, c) =>
    // The clock of this test is exact: every speaker that played started on time to the millisecond.
    expect(
      sortBy(a.A!, (r) => String(r.speaker)).map((r) => [r.zone, r.speaker, r.mean_ms, r.max_ms]),
    ).toEqual(
      [
        ['thon-dong', 'loa-d1', 0, 0],
        ['thon-dong', 'loa-d2', 0, 0],
        ['thon-doai', 'loa-o1', 0, 0],
      ].filter(([zone]) => c.zones.includes(zone as string)),
    ),
  'Số phút đã phát theo mức / Minutes aired by tier': (a, c) =>
    expect(Object.fromEntries(a.A!.map((r) => [r.priority, r.minutes]))).toEqual(minutesByTier(c)),
  'Số phút phát mỗi ngày / Minutes aired per day': (a, c) => {
    expect(new Set(a.A!.map((r) => localDay(ms(r))))).toEqual(new Set(['2026-11-24']));
    expect(Object.fromEntries(a.A!.map((r) => [r.priority, r.minutes]))).toEqual(minutesByTier(c));
  },
  'Độ trễ lớn nhất theo cụm / Largest delay by zone': (a, c) =>
    expect(sortBy(a.A!, (r) => `${r.zone} ${ms(r)}`).map((r) => [r.zone, ms(r), r.max_ms])).toEqual(
      [
        ['thon-doai', at('2026-11-24T06:00'), 0],
        ['thon-doai', at('2026-11-24T14:00'), 0],
        ['thon-dong', at('2026-11-24T06:00'), 0],
      ].filter(([zone]) => c.zones.includes(zone as string)),
    ),

  // Thiết bị và trạm
  'Thiết bị trực tuyến / Devices online': (a) => {
    // Every device that ever connected (loa-o2 never did), all but the unplugged box online.
    const devices = 3 + 3 + 3;
    expect(one(a)).toMatchObject({ online: devices - 1, devices });
  },
  'Kết nối của từng thiết bị / Each device’s connection': (a) => {
    const got = Object.fromEntries(a.A!.map((r) => [r.device, r.online]));
    expect(got).toEqual({
      'btn-1': 1,
      'btn-2': 1,
      'btn-3': 0,
      'pir-1': 1,
      'pir-2': 1,
      'pir-3': 1,
      'loa-d1': 1,
      'loa-d2': 1,
      'loa-o1': 1,
    });
    const unplugged = a.A!.find((r) => r.device === UNPLUGGED.device)!;
    expect(Math.abs(ms(unplugged) - at(UNPLUGGED.at))).toBeLessThan(1000);
  },
  'Lần cuối gửi tin / Last heard': (a) => {
    const last = new Map(TELEMETRY.map((t) => [t.device, t]));
    expect(sortBy(a.A!, (r) => String(r.device)).map((r) => [r.device, ms(r), r.uptime_s])).toEqual(
      sortBy([...last.values()], (t) => t.device).map((t) => [t.device, at(t.at), t.uptime_s]),
    );
  },
  'Pin / Battery': (a) => expect(telemetryRows(a)).toEqual(telemetryExpected('battery_mv', 'mean')),
  'Sóng Wi-Fi / Wi-Fi signal': (a) => expect(telemetryRows(a)).toEqual(telemetryExpected('rssi_dbm', 'mean')),
  'Hàng đợi trên thiết bị / Queued on devices': (a) =>
    expect(telemetryRows(a)).toEqual(telemetryExpected('queue_len', 'max')),
  'Tồn đọng chờ ghi InfluxDB / Outbox backlog': (a) =>
    expect(hubRows(a)).toEqual(healthSamples.map((h) => [hourOf(h.time), h.backlog])),
  'Sự kiện mỗi giây / Events per second': (a) =>
    // Each sample: the events accepted since the one before (or since the hub started), per second.
    healthSamples.forEach((h, i) => {
      const before = i === 0 ? { time: hubStartedAt, accepted: 0 } : healthSamples[i - 1]!;
      const [bucket, perS] = hubRows(a)[i]!;
      expect(bucket).toBe(hourOf(h.time));
      expect(perS).toBeCloseTo((h.accepted - before.accepted) / ((h.time - before.time) / 1000), 12);
    }),
  'Tin bị từ chối / Rejected messages': (a) =>
    expect(hubRows(a)).toEqual(healthSamples.map((h) => [hourOf(h.time), h.time > at(BAD_MESSAGE) ? 1 : 0])),
  'Bộ nhớ của trạm / Hub memory (RSS)': (a) =>
    hubRows(a).forEach(([bucket, mb], i) => {
      expect(bucket).toBe(hourOf(healthSamples[i]!.time));
      expect(Math.abs(Number(mb) - healthSamples[i]!.rss)).toBeLessThan(4);
    }),
};

/** The zones of an airing that the variables leave in. */
const zonesOf = (airing: (typeof AIRINGS)[number], c: Context) =>
  airing.zones.filter((z) => c.zones.includes(z));

function minutesByTier(c: Context): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const airing of AIRINGS)
    for (const zone of zonesOf(airing, c))
      for (const speaker of ZONES[zone])
        if (speaker !== NEVER_ONLINE) seconds[airing.tier] = (seconds[airing.tier] ?? 0) + airing.seconds;
  return Object.fromEntries(Object.entries(seconds).map(([tier, s]) => [tier, s / 60]));
}

/** Hour buckets (the test's `$__interval` on this dashboard) of each device's telemetry. */
const HOUR = 3_600_000;
const telemetryRows = (a: Answers) =>
  sortBy(a.A!, (r) => `${r.device} ${ms(r)}`).map((r) => [
    r.device,
    ms(r),
    Object.entries(r).find(([k]) => !['device', 'time'].includes(k))![1],
  ]);
function telemetryExpected(field: 'battery_mv' | 'rssi_dbm' | 'queue_len', fn: 'mean' | 'max') {
  const groups = Map.groupBy(TELEMETRY, (t) => `${t.device} ${Math.floor(at(t.at) / HOUR) * HOUR}`);
  return sortBy([...groups], ([k]) => k).map(([k, ts]) => {
    const values = ts.map((t) => t[field]);
    const [device, bucket] = k.split(' ');
    return [
      device,
      Number(bucket),
      fn === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length,
    ];
  });
}

/** The hub's health, one sample in each hour bucket here: as the panels' rows, oldest first. */
const hourOf = (time: number) => Math.floor(time / HOUR) * HOUR;
const hubRows = (a: Answers) =>
  sortBy(a.A!, (r) => String(ms(r)).padStart(15)).map((r) => [
    ms(r),
    Object.entries(r).find(([k]) => !['site', 'time'].includes(k))![1],
  ]);

// ——— Grafana's part: periods, macros and template variables ———

const INTERVALS: Record<string, string> = {
  'thanthien-tong-quan': '1h',
  'thanthien-ban-lam-viec': '1m',
  'thanthien-truyen-thanh': '1h',
  'thanthien-thiet-bi': '1h',
};

/** A multi-value variable in a regex, as Grafana's InfluxDB data source writes it: `(a|b)`. */
const regexOf = (values: readonly string[]) =>
  `(${values.map((v) => v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&')).join('|')})`;

function fill(
  query: string,
  from: number,
  to: number,
  interval: string,
  vars: Record<string, readonly string[]>,
): string {
  const filled = query
    .replaceAll('$timeFilter', `time >= ${from}ms and time <= ${to}ms`)
    .replaceAll('$__interval', interval)
    .replace(/\$(\w+)/g, (whole, name: string) => (vars[name] ? regexOf(vars[name]) : whole));
  expect(filled, 'every macro and variable filled').not.toMatch(/\$\w/);
  return filled;
}

async function answer(
  json: { uid: string; time: { from: string } },
  panel: PanelQueries,
  vars: Record<string, readonly string[]>,
): Promise<{ answers: Answers; from: number }> {
  const from = rangeStart(panel.timeFrom ?? json.time.from);
  const answers: Answers = {};
  for (const target of panel.targets)
    answers[target.refId] = await influxd.query(fill(target.query, from, NOW, INTERVALS[json.uid]!, vars));
  return { answers, from };
}

type RawPanel = {
  title: string;
  options?: { reduceOptions?: { fields?: string }; xField?: string };
  fieldConfig?: { overrides?: Array<{ matcher: { id: string; options: string } }> };
  targets: Array<{ refId: string; query: string; resultFormat: string; alias?: string }>;
};
const rawPanel = (json: { panels: unknown[] }, title: string) =>
  (json.panels as RawPanel[]).find((p) => p.title === title)!;

/**
 * The columns and series a panel's settings name (the field a big number shows, the column a
 * table renames or sorts, a bar chart's x axis) are among those its answers hold or its query
 * names, as Grafana names them: a table's columns (`time` as `Time`), a series
 * `measurement.column`. Series named by a tag's value (`$tag_…`) are not held to it: their names
 * are the data's.
 */
function expectNamesSeen(panel: RawPanel, answers: Answers): void {
  const seen = new Set<string>();
  let byTag = false;
  for (const target of panel.targets) {
    const rows = answers[target.refId] ?? [];
    const measurement = /FROM "(\w+)"/.exec(target.query)![1];
    // The columns the answers hold, and those the query can give when the data has them.
    const columns = new Set(rows.flatMap((row) => Object.keys(row)));
    for (const [, name] of target.query.matchAll(/ AS "(\w+)"/g)) columns.add(name!);
    for (const key of columns) {
      seen.add(key === 'time' ? 'Time' : key);
      seen.add(`${measurement}.${key}`);
    }
    if (target.alias?.startsWith('$tag_')) byTag = true;
  }
  const named = [
    ...(/^\/\^\(?([\w|]+)\)?\$\/$/.exec(panel.options?.reduceOptions?.fields ?? '')?.[1]?.split('|') ?? []),
    ...(panel.options?.xField ? [panel.options.xField] : []),
    ...(byTag
      ? []
      : (panel.fieldConfig?.overrides ?? [])
          .filter((o) => o.matcher.id === 'byName')
          .map((o) => o.matcher.options)),
  ];
  for (const name of named) expect(seen, `"${name}" in the answers of "${panel.title}"`).toContain(name);
}

/** Each variable's values, from its own query, as Grafana lists them for "All". */
async function variables(json: {
  templating: { list?: Array<{ name: string; type: string; query?: unknown }> };
}) {
  const all: Record<string, string[]> = {};
  for (const v of json.templating.list ?? []) {
    if (v.type !== 'query') continue;
    const rows = await influxd.query(String(v.query));
    all[v.name] = rows.map((r) => String(r.value)).sort();
  }
  return all;
}

describe('every panel of every dashboard, on a real InfluxDB fed by simulated devices', () => {
  for (const { file } of DASHBOARDS) {
    it(`${file}: each query answers what the devices sent`, async () => {
      const json = JSON.parse(readFileSync(`dashboards/${file}`, 'utf8')) as Parameters<typeof answer>[0] &
        Parameters<typeof variables>[0] & { panels: unknown[] };
      const all = await variables(json);
      if (all.desk) expect(all.desk).toEqual(DESKS);
      if (all.officer) expect(all.officer).toEqual(Object.values(OFFICER).sort());
      if (all.zone) expect(all.zone).toEqual(Object.keys(ZONES).sort());
      // Everything, then each variable narrowed to one value in turn.
      const ONE: Record<string, string> = { desk: 'quay-2', officer: 'le-thi-mai', zone: 'thon-doai' };
      const selections: Array<Record<string, readonly string[]>> = [
        all,
        ...Object.keys(all).map((name) => ({ ...all, [name]: [ONE[name]!] })),
      ];
      for (const vars of selections) {
        for (const panel of panelsOf(json)) {
          const check = PANELS[panel.title];
          expect(check, `an answer for the panel "${panel.title}"`).toBeDefined();
          const { answers, from } = await answer(json, panel, vars);
          const context = {
            from,
            to: NOW,
            desks: vars.desk ?? DESKS,
            officers: vars.officer ?? Object.values(OFFICER),
            zones: vars.zone ?? Object.keys(ZONES),
          };
          try {
            check!(answers, context);
            if (vars === all) expectNamesSeen(rawPanel(json, panel.title), answers);
          } catch (err) {
            throw new Error(
              `${file} — "${panel.title}" (${JSON.stringify(vars)}): ${(err as Error).message}`,
            );
          }
        }
      }
    });
  }
});
