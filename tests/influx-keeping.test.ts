import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInfluxUrl } from '../hub/src/influx/connection.ts';
import { InfluxHttp } from '../hub/src/influx/index.ts';
import { applyKeeping, byPolicy, continuousQueries, RECENT } from '../hub/src/influx/keeping.ts';
import { type Influxd, startInfluxd } from './helpers/influxd.ts';

// The database's policies and continuous queries (docs/influxdb.md, keeping) on Debian's influxd:
// applied twice they change nothing, and each continuous query's SELECT … INTO, run over a past
// period, gives the totals this test counts itself from the points it wrote.

const HANOI = 7 * 60;
let influxd: Influxd;
let influx: InfluxHttp;

const show = async () => ({
  policies: await influxd.query('SHOW RETENTION POLICIES ON "thanthien"'),
  queries: await influxd.query('SHOW CONTINUOUS QUERIES'),
});

beforeAll(async () => {
  influxd = await startInfluxd();
  influx = new InfluxHttp(parseInfluxUrl(`${influxd.url}/thanthien`));
});

afterAll(async () => {
  influx?.close();
  await influxd?.close();
});

/** A continuous query's SELECT over [fromMs, toMs), as InfluxDB runs it for one period. */
const runOver = async (name: string, fromMs: number, toMs: number) => {
  const { select } = continuousQueries('thanthien', HANOI).find((cq) => cq.name === name)!;
  const bounds = `time >= ${fromMs}ms AND time < ${toMs}ms`;
  const bounded = select.includes(' WHERE ')
    ? select.replace(' WHERE ', ` WHERE ${bounds} AND `)
    : select.replace(' GROUP BY ', ` WHERE ${bounds} GROUP BY `);
  await influx.command(bounded);
};

const at = (local: string) => Date.parse(`${local}+07:00`);

describe('keeping (lưu trữ) in InfluxDB', () => {
  it('creates the database, the recent policy and the continuous queries; twice changes nothing', async () => {
    await applyKeeping(influx, HANOI);
    const first = await show();
    await applyKeeping(influx, HANOI);
    expect(await show()).toEqual(first);
    const recent = first.policies.find((p) => p.name === RECENT.name)!;
    expect(recent).toMatchObject({ duration: '2160h0m0s', shardGroupDuration: '24h0m0s', default: false });
    expect(first.policies.find((p) => p.name === 'autogen')).toMatchObject({ duration: '0s', default: true });
    expect(first.queries.map((q) => q.name).sort()).toEqual([
      'broadcast_1d',
      'device_1h',
      'hub_1h',
      'rating_1d',
    ]);
  });

  it('puts back what someone changed by hand', async () => {
    await influx.command('ALTER RETENTION POLICY "recent" ON "thanthien" DURATION 30d');
    await influx.command('DROP CONTINUOUS QUERY "rating_1d" ON "thanthien"');
    await influx
      .command(
        'CREATE CONTINUOUS QUERY "device_1h" ON "thanthien" BEGIN SELECT max("online") INTO "x" FROM "device" GROUP BY time(1h) END',
      )
      .catch(() => {}); // it exists: the hand-made one replaces nothing
    await applyKeeping(influx, HANOI);
    const { policies, queries } = await show();
    expect(policies.find((p) => p.name === RECENT.name)!.duration).toBe('2160h0m0s');
    expect(queries.map((q) => q.name).sort()).toEqual(['broadcast_1d', 'device_1h', 'hub_1h', 'rating_1d']);
  });

  it('writes telemetry and the hub’s health to recent, evidence to the default policy', async () => {
    const lines = [
      'rating,site=x,desk=quay-1,device=b1,officer=o1,misuse=false score=4i,scale=4i,satisfied=1i,unsatisfied=0i 1795400000000',
      'device,site=x,device=b1,kind=rating-button battery_mv=3700i 1795400000000',
      'hub,site=x rss_mb=120 1795400000000',
      'broadcast,site=x,program=1,speaker=l1,zone=z,priority=normal status="played",played_s=10 1795400000000',
    ].join('\n');
    const { kept, recent } = byPolicy(lines);
    expect(kept.split('\n').map((l) => l.split(',')[0])).toEqual(['rating', 'broadcast']);
    expect(recent.split('\n').map((l) => l.split(',')[0])).toEqual(['device', 'hub']);
  });

  it('finds a recent point wherever it is in a batch of ratings, and passes a batch of ratings whole', () => {
    const rating = (i: number) =>
      `rating,site=x,desk=quay-1,device=device-${i},officer=hub,misuse=false score=4i,scale=4i ${1795400000000 + i}`;
    const ratings = Array.from({ length: 5 }, (_, i) => rating(i));
    // Tag values named like the recent measurements do not count: only a line's first word does.
    expect(byPolicy(ratings.join('\n'))).toEqual({ kept: ratings.join('\n'), recent: '' });
    const health = 'hub,site=x rss_mb=120 1795400000000';
    for (const at of [0, 2, 5]) {
      const lines = [...ratings.slice(0, at), health, ...ratings.slice(at)];
      expect(byPolicy(lines.join('\n'))).toEqual({ kept: ratings.join('\n'), recent: health });
    }
  });

  it('counts each local day of ratings and broadcasts, and each hour of telemetry, as the test does', async () => {
    // Two days at two desks, presses near both ends of the Hà Nội day; flagged presses do not count.
    const presses = [
      { at: '2026-11-23T00:05:00', desk: 'quay-1', officer: 'o1', score: 4, misuse: false },
      { at: '2026-11-23T08:00:00', desk: 'quay-1', officer: 'o1', score: 1, misuse: false },
      { at: '2026-11-23T08:00:30', desk: 'quay-1', officer: 'o1', score: 1, misuse: true },
      { at: '2026-11-23T23:55:00', desk: 'quay-2', officer: 'o2', score: 3, misuse: false },
      { at: '2026-11-24T00:01:00', desk: 'quay-2', officer: 'o2', score: 2, misuse: false },
      { at: '2026-11-24T10:00:00', desk: 'quay-1', officer: 'o1', score: 4, misuse: false },
    ];
    const scale = 4;
    const lines = presses.map(
      (p) =>
        `rating,site=x,desk=${p.desk},device=b-${p.desk},officer=${p.officer},misuse=${p.misuse} score=${p.score}i,scale=${scale}i,satisfied=${p.score >= 3 ? 1 : 0}i,unsatisfied=${p.score <= 2 ? 1 : 0}i ${at(p.at)}`,
    );
    const airings = [
      { at: '2026-11-23T06:30:00', zone: 'thon-dong', priority: 'normal', played: 300 },
      { at: '2026-11-23T17:00:00', zone: 'thon-dong', priority: 'normal', played: 120.5 },
      { at: '2026-11-23T17:00:00', zone: 'thon-doai', priority: 'emergency', played: 60 },
    ];
    lines.push(
      ...airings.map(
        (a, i) =>
          `broadcast,site=x,program=${i},speaker=loa-${a.zone},zone=${a.zone},priority=${a.priority} status="played",played_s=${a.played} ${at(a.at)}`,
      ),
    );
    // Telemetry each 10 minutes over two hours: battery falling, signal wavering.
    const telemetry = Array.from({ length: 12 }, (_, i) => ({
      at: at('2026-11-23T09:00:00') + i * 600_000,
      battery: 3900 - i * 10,
      rssi: -60 - (i % 3),
    }));
    lines.push(
      ...telemetry.map(
        (t) =>
          `device,site=x,device=b-quay-1,kind=rating-button battery_mv=${t.battery}i,rssi_dbm=${t.rssi}i ${t.at}`,
      ),
    );
    const { kept, recent } = byPolicy(lines.join('\n'));
    await influx.write(kept);
    await influx.write(recent, RECENT.name);

    for (const name of ['rating_1d', 'broadcast_1d'])
      await runOver(name, at('2026-11-23T00:00:00'), at('2026-11-25T00:00:00'));
    await runOver('device_1h', at('2026-11-23T09:00:00'), at('2026-11-23T11:00:00'));
    // Run again: the same points, overwritten, not doubled.
    await runOver('rating_1d', at('2026-11-23T00:00:00'), at('2026-11-25T00:00:00'));

    // What the test expects, counted from what it wrote.
    const dayOf = (local: string) => local.slice(0, 10);
    const expected = new Map<string, { rated: number; satisfied: number; unsatisfied: number }>();
    for (const p of presses.filter((p) => !p.misuse)) {
      const key = `${dayOf(p.at)} ${p.desk}`;
      const e = expected.get(key) ?? { rated: 0, satisfied: 0, unsatisfied: 0 };
      e.rated += 1;
      e.satisfied += p.score >= 3 ? 1 : 0;
      e.unsatisfied += p.score <= 2 ? 1 : 0;
      expected.set(key, e);
    }
    const rows = await influxd.query(
      'SELECT "rated", "satisfied", "unsatisfied", "desk" FROM "rating_1d" WHERE "rated" > 0',
      'thanthien',
    );
    const got = new Map(
      rows.map((r) => [
        `${new Date(Number(r.time) + 7 * 3_600_000).toISOString().slice(0, 10)} ${r.desk}`,
        { rated: r.rated, satisfied: r.satisfied, unsatisfied: r.unsatisfied },
      ]),
    );
    expect(got).toEqual(expected);

    const broadcast = await influxd.query(
      'SELECT "entries", "played_s", "zone", "priority" FROM "broadcast_1d" WHERE "entries" > 0',
      'thanthien',
    );
    expect(
      broadcast.map(({ zone, priority, entries, played_s }) => ({ zone, priority, entries, played_s })),
    ).toEqual(
      expect.arrayContaining([
        { zone: 'thon-dong', priority: 'normal', entries: 2, played_s: 420.5 },
        { zone: 'thon-doai', priority: 'emergency', entries: 1, played_s: 60 },
      ]),
    );
    expect(broadcast).toHaveLength(2);

    const hours = await influxd.query('SELECT "battery_mv", "rssi_dbm" FROM "device_1h"', 'thanthien');
    const hour = (h: number) =>
      telemetry.filter(
        (t) =>
          t.at >= at(`2026-11-23T${String(h).padStart(2, '0')}:00:00`) &&
          t.at < at(`2026-11-23T${String(h).padStart(2, '0')}:00:00`) + 3_600_000,
      );
    expect(hours.map((r) => ({ battery: r.battery_mv, rssi: r.rssi_dbm }))).toEqual(
      [9, 10].map((h) => ({
        battery: Math.min(...hour(h).map((t) => t.battery)),
        rssi: hour(h).reduce((sum, t) => sum + t.rssi, 0) / hour(h).length,
      })),
    );
  });
});
