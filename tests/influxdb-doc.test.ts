import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimPresenceSensor, SimRatingButton } from '../simulators/src/devices.ts';
import { EXAMPLE_CONFIG, provisionSim, startTestHub, type TestHub, until } from './helpers/hub.ts';
import { type Influxd, startInfluxd } from './helpers/influxd.ts';

// The queries docs/influxdb.md offers dashboard builders run on a real InfluxDB that the hub fed,
// and find what the hub wrote.

const QUERIES = readFileSync('docs/influxdb.md', 'utf8')
  .split('```sql')[1]!
  .split('```')[0]!
  .split(/\n\s*\n/)
  .map((block) => ({
    title: /^-- (.*)$/m.exec(block)![1]!,
    sql: block
      .split('\n')
      .filter((line) => line.trim() && !line.trim().startsWith('--'))
      .join(' '),
  }));

let influxd: Influxd;
let hub: TestHub;
let button: SimRatingButton;
let sensor: SimPresenceSensor;
let configDir: string;

beforeAll(async () => {
  // The doc's queries look back from InfluxDB's now(), so the presses happen now, in wall-clock
  // time: a commune open every day all day keeps them counted whatever hour the test runs at, and
  // the devices' clocks start at half past an hour, never at the 23:59 the office closes.
  configDir = mkdtempSync(join(tmpdir(), 'tt-doc-'));
  const config = join(configDir, 'site.yaml');
  writeFileSync(
    config,
    readFileSync(EXAMPLE_CONFIG, 'utf8')
      .replace(/days: \[mon, tue, wed, thu, fri\]/, 'days: [mon, tue, wed, thu, fri, sat, sun]')
      .replace(/sessions:\n(\s+- \{[^\n]*\n)+/, 'sessions:\n    - { start: "00:00", end: "23:59" }\n')
      .replace(/^holidays:\n(\s+(-|#)[^\n]*\n)+/m, 'holidays: []\n'),
  );
  const startedAt = Date.now();
  const base = Math.floor(startedAt / 3_600_000) * 3_600_000 - 1_800_000;
  const clock = () => new Date(base + (Date.now() - startedAt));
  influxd = await startInfluxd();
  hub = await startTestHub({ TT_INFLUX_URL: `${influxd.url}/thanthien`, TT_CONFIG: config });
  // The doc's examples name desk quay-1.
  const desk = 'quay-1';
  button = new SimRatingButton({
    ...(await provisionSim(hub, { id: 'btn-doc', kind: 'rating-button', desk })),
    clock,
  });
  sensor = new SimPresenceSensor({
    ...(await provisionSim(hub, { id: 'pir-doc', kind: 'presence-sensor', desk })),
    clock,
    present: true,
  });
  button.start();
  sensor.start();
  await until(() => button.link.connected && sensor.link.connected, 'devices connected');
  await until(() => hub.presence.stateAt(desk, clock().getTime()) === 'present', 'the desk staffed');
  // The first press counts (and is unsatisfied); the next two are flagged repeats, as at a real box.
  for (const score of [1, 4, 3]) button.link.record('rating', { score, scale: 4 });
  sensor.set(false);
  await until(
    async () => (await influxd.query('SELECT count("score") FROM "rating"')).length > 0,
    'ratings in InfluxDB',
  );
  await until(
    async () => (await influxd.query('SELECT count("present") FROM "presence"')).length > 0,
    'presence in InfluxDB',
  );
});

afterAll(async () => {
  await button?.stop();
  await sensor?.stop();
  await hub?.close();
  await influxd?.close();
  rmSync(configDir, { recursive: true, force: true });
});

describe('the InfluxQL of docs/influxdb.md', () => {
  it('offers the four queries', () => {
    expect(QUERIES.map((q) => q.title)).toHaveLength(4);
  });

  it.each(QUERIES.map((q) => [q.title, q.sql]))(
    '%s: runs and finds the hub’s points',
    async (_title, sql) => {
      const rows = await influxd.query(sql);
      expect(rows.length).toBeGreaterThan(0);
    },
  );
});
