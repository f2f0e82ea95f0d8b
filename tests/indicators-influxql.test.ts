import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../hub/src/config/index.ts';
import { placementOf } from '../hub/src/devices/index.ts';
import { indexQuery, rankingQuery, totalsQuery, wilsonLowerBound } from '../hub/src/ratings/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';
import { type Influxd, startInfluxd } from './helpers/influxd.ts';

// The dashboards' InfluxQL, run against a real InfluxDB fed by the hub, gives the hub's figures.

let influxd: Influxd;
let hub: TestHub;
const DAY = '2026-11-19'; // a Thursday
let scope: { site: string; fromMs: number; toMs: number };

beforeAll(async () => {
  influxd = await startInfluxd();
  hub = await startTestHub({ TT_INFLUX_URL: `${influxd.url}/thanthien` });
  const placement = placementOf(hub.config);
  const site = hub.config.site.code;
  let published = 0;
  // Three desks, a spread of scores, a few flagged presses (repeat, lunch break).
  for (const [i, desk] of placement.desks.slice(0, 3).entries()) {
    const id = `btn-q${i}`;
    const { secret } = await hub.devices.add({ id, kind: 'rating-button', desk }, placement);
    const client = await mqtt.connectAsync(hub.url, {
      clientId: id,
      username: id,
      password: secret,
      reconnectPeriod: 0,
    });
    for (let seq = 0; seq < 20 + i * 7; seq++) {
      const minutes = 8 * 60 + seq * 7 + (seq % 5 === 4 ? -6 : 0); // every fifth press 1 min after the last
      const time =
        seq === 3
          ? '12:00'
          : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      const score = 1 + ((seq * (i + 2)) % 4);
      await client.publishAsync(
        deviceTopic(site, id, { family: 'evt', event: 'rating' }),
        JSON.stringify({ boot: 'qlboot01', seq, score, scale: 4, ts: `${DAY}T${time}:00.000+07:00` }),
        { qos: 1 },
      );
      published += 1;
    }
    await client.endAsync();
  }
  const fromMs = startOfLocalDay(hub.config.site.timezone, DAY).getTime();
  scope = { site, fromMs, toMs: fromMs + 86_400_000 };
  await until(async () => {
    const rows = await influxd.query(`SELECT COUNT("score") FROM "rating"`).catch(() => []);
    return Number(rows[0]?.count ?? 0) === published;
  }, 'every rating in InfluxDB');
});

afterAll(async () => {
  await hub?.close();
  await influxd?.close();
});

describe('indicators as InfluxQL', () => {
  it('totals, shares, the 766 ratio and the index equal what the hub computes', async () => {
    const hubFigures = hub.ratings.indicators(scope);
    expect(hubFigures.flagged).toBeGreaterThan(0);
    const [totals] = await influxd.query(totalsQuery(scope));
    const [index] = await influxd.query(indexQuery(scope));
    expect(totals).toMatchObject({
      rated: hubFigures.rated,
      satisfied: hubFigures.satisfied,
      unsatisfied: hubFigures.unsatisfied,
    });
    expect(totals!.share_satisfied).toBeCloseTo(hubFigures.share_satisfied!, 10);
    expect(totals!.satisfaction_ratio).toBeCloseTo(hubFigures.satisfaction_ratio!, 10);
    expect(index!.index).toBeCloseTo(hubFigures.index!, 10);
  });

  it('per desk and per official, the same small-sample ranking', async () => {
    for (const by of ['desk', 'officer'] as const) {
      const rows = await influxd.query(rankingQuery(scope, by));
      const ranked = rows
        .map((r) => ({ id: String(r[by]), rated: r.rated, score: Number(r.ranking_score) }))
        .sort((a, b) => b.score - a.score);
      const report = hub.ratings.indicators(scope).ranking;
      const hubRanking = by === 'desk' ? report.desks : report.officers;
      expect(ranked.map((r) => r.id)).toEqual(hubRanking.map((d) => d.id));
      for (const [i, r] of ranked.entries()) {
        expect(r.rated).toBe(hubRanking[i]!.rated);
        expect(r.score).toBeCloseTo(hubRanking[i]!.ranking_score!, 10);
        expect(r.score).toBeCloseTo(wilsonLowerBound(hubRanking[i]!.satisfied, hubRanking[i]!.rated), 10);
      }
    }
  });
});
