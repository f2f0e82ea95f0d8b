import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimPresenceSensor, SimRatingButton } from '../simulators/src/devices.ts';
import { provisionSim, sessionCookies, startTestHub, type TestHub, until } from './helpers/hub.ts';
import { nextBatch, outboxPoints } from './helpers/outbox-points.ts';

// A simulated office day over real MQTT: presence sensors from the simulator report to a real hub
// whose clock the test moves through Monday 23/11/2026. The attendance and empty-desk alerts the
// hub reports are checked against a plain minute-by-minute count made here, from the script alone.

const DAY = '2026-11-23';
const local = (hhmm: string) => new Date(`${DAY}T${hhmm}:00+07:00`);
let now = local('06:50');
const clock = () => now;

type Seen = 'present' | 'absent' | 'unknown';
/** What each desk's sensor does, in time order; `offline`/`online` cut and restore its connection. */
type Step = [string, 'connect-absent' | 'connect-present' | 'present' | 'absent' | 'offline' | 'online'];
const SCRIPT: Record<string, Step[]> = {
  'quay-1': [
    ['07:00', 'connect-absent'], // reports what it sees on connecting
    ['07:25', 'present'],
    ['09:40', 'absent'], // 25 office minutes away: an alert at 09:55
    ['10:05', 'present'],
    ['11:35', 'absent'], // lunch
    ['13:25', 'present'],
    ['16:30', 'absent'], // leaves early: an alert at 16:45, never cleared
  ],
  'quay-2': [
    ['07:00', 'connect-absent'],
    ['07:50', 'present'], // 20 minutes late: an alert at 07:45
    ['10:00', 'offline'], // Wi-Fi drops: unknown, not empty
    ['10:30', 'online'], // back, and says present at once
    ['17:05', 'absent'],
  ],
  'quay-3': [
    ['09:00', 'connect-present'], // the day starts with this sensor offline; it comes up seeing someone
    ['14:00', 'absent'], // an alert at 14:15
  ],
};
const OFFICE = [
  ['07:30', '11:30'],
  ['13:30', '17:00'],
] as const;
const EMPTY_AFTER_MIN = 15;

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The expected numbers, walking the day one minute at a time. */
function expectedDay(steps: Step[], untilMinute: number) {
  const isOffice = (m: number) => OFFICE.some(([from, to]) => minuteOf(from) <= m && m < minuteOf(to));
  let state: Seen = 'unknown';
  let lastKnown: Seen = 'absent';
  const count = { present: 0, absent: 0, unknown: 0, office: 0 };
  let firstArrival: string | null = null;
  let run = 0;
  let longest = 0;
  let alertOpen: { raised: string; cleared: string | null } | undefined;
  const alerts: Array<{ raised: string; cleared: string | null }> = [];
  for (let m = 0; m < untilMinute; m++) {
    for (const [at, action] of steps) {
      if (minuteOf(at) !== m) continue;
      if (action === 'offline') state = 'unknown';
      else if (action === 'online') state = lastKnown;
      else state = lastKnown = action === 'connect-present' || action === 'present' ? 'present' : 'absent';
    }
    if (state === 'present') {
      firstArrival ??= hhmm(m);
      if (alertOpen) alertOpen.cleared = hhmm(m);
      alertOpen = undefined;
    }
    if (state !== 'absent') run = 0;
    if (!isOffice(m)) continue;
    count.office += 1;
    count[state] += 1;
    if (state === 'absent') {
      run += 1;
      longest = Math.max(longest, run);
      if (run === EMPTY_AFTER_MIN && !alertOpen) {
        alertOpen = { raised: hhmm(m + 1), cleared: null };
        alerts.push(alertOpen);
      }
    }
  }
  return {
    attendance: {
      office_min: count.office,
      staffed_min: count.present,
      absent_min: count.absent,
      unknown_min: count.unknown,
      first_arrival: firstArrival && local(firstArrival).toISOString(),
      longest_absence_min: longest,
    },
    alerts,
  };
}

let hub: TestHub;
const sensors = new Map<string, SimPresenceSensor>();
let button: SimRatingButton;
let cookies: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub({}, clock);
  const link = async (id: string, kind: 'presence-sensor' | 'rating-button', desk: string) => ({
    ...(await provisionSim(hub, { id, kind, desk })),
    clock,
  });
  for (const desk of Object.keys(SCRIPT)) {
    const present = SCRIPT[desk]![0]![1] === 'connect-present';
    sensors.set(
      desk,
      new SimPresenceSensor({ ...(await link(`pir-${desk}`, 'presence-sensor', desk)), present }),
    );
  }
  button = new SimRatingButton({ ...(await link('btn-quay-1', 'rating-button', 'quay-1')), scale: 4 });
  await hub.users.add({ name: 'chu-tich', role: 'leader', password: 'mat-khau-lanh-dao-2026' });
  cookies = await sessionCookies(hub, 'chu-tich', 'mat-khau-lanh-dao-2026');
});

afterAll(async () => {
  await Promise.all([...sensors.values(), button].map((sim) => sim?.stop()));
  await hub?.close();
});

const presenceEvents = (device: string) =>
  Number(
    (
      hub.store
        .prepare("SELECT COUNT(*) AS n FROM events WHERE device = ? AND type = 'presence'")
        .get(device) as { n: number }
    ).n,
  );

/** Play one step at its time and wait until the hub has it. */
async function play(desk: string, action: Step[1]): Promise<void> {
  const sensor = sensors.get(desk)!;
  const id = `pir-${desk}`;
  const before = presenceEvents(id);
  if (action.startsWith('connect')) {
    sensor.start();
    await until(() => presenceEvents(id) === before + 1, `${id} to report on connecting`);
  } else if (action === 'offline') {
    sensor.link.cut();
    await until(() => hub.devices.get(id)?.online === false, `the hub to see ${id} offline`);
  } else if (action === 'online') {
    sensor.link.reconnect();
    await until(() => presenceEvents(id) === before + 1, `${id} to report after reconnecting`);
  } else {
    sensor.set(action === 'present');
    await until(() => presenceEvents(id) === before + 1, `${id} to report ${action}`);
  }
}

async function press(at: string): Promise<void> {
  now = local(at);
  const before = hub.ratings.indicators({ fromMs: 0, toMs: Date.now() + 86_400_000 });
  button.press(4);
  await until(() => {
    const after = hub.ratings.indicators({ fromMs: 0, toMs: Date.now() + 86_400_000 });
    return after.rated + after.flagged === before.rated + before.flagged + 1;
  }, 'the rating to be kept');
}

describe('a simulated office day', () => {
  it('gives the attendance and empty-desk alerts counted independently', async () => {
    button.start();
    const steps = Object.entries(SCRIPT)
      .flatMap(([desk, list]) => list.map(([at, action]) => ({ desk, at, action })))
      .sort((a, b) => a.at.localeCompare(b.at));
    for (const step of steps) {
      now = local(step.at);
      await play(step.desk, step.action);
      if (step.at === '09:40') await press('09:45'); // a citizen rates the empty desk
      if (step.at === '10:05') await press('10:10');
    }
    now = local('18:00');
    hub.presence.tick();
    await nextBatch();

    const response = await hub.http.inject({
      method: 'GET',
      url: `/api/v1/desks/attendance?from=${DAY}`,
      cookies,
    });
    expect(response.statusCode).toBe(200);
    const byDesk = new Map(response.json().days[0].desks.map((d: { desk: string }) => [d.desk, d]));
    const alerts = (await hub.http.inject({ method: 'GET', url: '/api/v1/alerts', cookies }))
      .json()
      .alerts.filter((a: { kind: string }) => a.kind === 'empty-desk');

    for (const [desk, steps] of Object.entries(SCRIPT)) {
      const expected = expectedDay(steps, minuteOf('18:00'));
      expect(byDesk.get(desk), desk).toMatchObject(expected.attendance);
      const got = alerts
        .filter((a: { desk: string }) => a.desk === desk)
        .map((a: { raised_at: string; state: string; history: Array<{ action: string; at: string }> }) => ({
          raised: a.raised_at,
          cleared: a.history.find((h) => h.action === 'cleared')?.at ?? null,
          state: a.state,
        }))
        .reverse();
      expect(got, desk).toEqual(
        expected.alerts.map((a) => ({
          raised: local(a.raised).toISOString(),
          cleared: a.cleared && local(a.cleared).toISOString(),
          state: a.cleared ? 'resolved' : 'open',
        })),
      );
    }
    // Desks with no sensor are unknown all day, and raise nothing.
    expect(byDesk.get('quay-4')).toMatchObject({ office_min: 450, unknown_min: 450, staffed_min: 0 });
    expect(alerts.some((a: { desk: string }) => a.desk === 'quay-4')).toBe(false);
  });

  it('flagged the press at the empty desk as unstaffed, and counted the one after', () => {
    const rows = hub.store
      .prepare("SELECT misuse FROM ratings WHERE device = 'btn-quay-1' ORDER BY time_ms")
      .all();
    expect(rows).toEqual([{ misuse: 'unstaffed' }, { misuse: '' }]);
  });

  it('writes every report as a presence point for InfluxDB, at the time the sensor saw it', () => {
    const points = outboxPoints(hub.store, 'presence')
      .filter((p) => p.tags.device === 'pir-quay-2')
      .sort((a, b) => a.timeMs - b.timeMs);
    expect(points.map((p) => [p.tags.desk, p.fields.present, p.timeMs])).toEqual([
      ['quay-2', 0, local('07:00').getTime()],
      ['quay-2', 1, local('07:50').getTime()],
      ['quay-2', 1, local('10:30').getTime()], // its current state, after reconnecting
      ['quay-2', 0, local('17:05').getTime()],
    ]);
  });

  it('shows the end of the day on the board', async () => {
    const board = (await hub.http.inject({ method: 'GET', url: '/api/v1/desks', cookies })).json();
    const desk = (id: string) => board.desks.find((d: { id: string }) => d.id === id);
    expect(desk('quay-1')).toMatchObject({
      state: 'absent',
      since: local('16:30').toISOString(),
      minutes_since: 90,
      officer: { id: 'nguyen-thi-hoa', name: 'Nguyễn Thị Hoa' },
      ratings_today: { rated: 1, satisfied: 1, share_satisfied: 1 },
      alerts: { open: 1, by_kind: { 'empty-desk': 1 } },
    });
    expect(desk('quay-4')).toMatchObject({ state: 'unknown', since: null, sensors: [] });
  });

  it("writes each desk's attendance of the day for InfluxDB, the figures of the day's end last", () => {
    const latest = new Map(
      outboxPoints(hub.store, 'attendance')
        .filter((p) => p.timeMs === local('00:00').getTime())
        .map((p) => [p.tags.desk, p.fields]),
    );
    for (const [desk, steps] of Object.entries(SCRIPT)) {
      const { office_min, staffed_min, absent_min, unknown_min } = expectedDay(
        steps,
        minuteOf('18:00'),
      ).attendance;
      expect(latest.get(desk), desk).toEqual({ office_min, staffed_min, absent_min, unknown_min });
    }
  });

  it("starts the next day's timeline with each desk's state at midnight", async () => {
    now = new Date(`2026-11-24T00:00:10+07:00`);
    hub.presence.tick();
    await nextBatch();
    const midnight = new Date('2026-11-24T00:00:00+07:00').getTime();
    const points = outboxPoints(hub.store, 'presence').filter((p) => p.timeMs === midnight);
    // Every desk with a sensor ended the day empty; quay-4 has none and stays unknown.
    expect(points.map((p) => [p.tags.desk, p.tags.device, p.fields.present]).sort()).toEqual([
      ['quay-1', 'pir-quay-1', 0],
      ['quay-2', 'pir-quay-2', 0],
      ['quay-3', 'pir-quay-3', 0],
    ]);
  });
});
