import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Commune20, startCommune20 } from './helpers/commune20.ts';
import { until } from './helpers/hub.ts';
import type { HubProcess } from './helpers/hub-process.ts';
import type { Influxd } from './helpers/influxd.ts';

// Nothing is lost (docs/architecture.md): 10,000 ratings from 20 desks end as exactly 10,000 points with
// their desk and official, while devices drop off at random — and again while, besides, the hub
// is killed with SIGKILL five times and InfluxDB is down 30 s.

const DESKS = 20;
const PER_DESK = 500;

let commune: Commune20;
let hub: HubProcess;
let influxd: Influxd;
let devices: Commune20['devices'];
let officerOf: Map<string, string>;
let pointsPerDevice: Commune20['pointsPerDevice'];

// A fresh commune for each test: store, influxd and hub.
beforeEach(async () => {
  commune = await startCommune20(DESKS);
  ({ hub, influxd, devices, officerOf, pointsPerDevice } = commune);
}, 120_000);

afterEach(async () => {
  await commune?.close();
});

describe('nothing is lost', () => {
  it.each([
    { when: 'with devices dropping at random', kills: 0 },
    {
      when: 'through five SIGKILLs of the hub and 30 s without InfluxDB, with devices dropping at random',
      kills: 5,
    },
  ])(
    '10,000 ratings from 20 desks arrive exactly once, $when',
    async ({ kills }) => {
      const boxes = commune.links();
      for (const box of boxes) box.start();
      let pressed = 0;
      const press = () => {
        for (const [i, box] of boxes.entries()) {
          const seq = box.recorded;
          if (seq >= PER_DESK) continue;
          box.record('rating', { score: 1 + ((seq + i) % 4), scale: 4 });
          pressed += 1;
        }
      };
      const random = mulberry32(20261122);
      const chaos = setInterval(() => {
        const box = boxes[Math.floor(random() * boxes.length)]!;
        if (box.connected) {
          box.cut();
          setTimeout(() => box.reconnect(), 200 + random() * 800);
        }
      }, 150);
      const pressing = setInterval(press, 25);

      for (let kill = 1; kill <= kills; kill++) {
        await until(() => pressed >= (kill * DESKS * PER_DESK) / 6, `presses before kill ${kill}`, 60_000);
        await hub.kill();
        if (kill === 3) await influxd.stop();
        await new Promise((r) => setTimeout(r, 300));
        await hub.start();
        if (kill === 3) setTimeout(() => void influxd.start(), 30_000);
      }
      await until(() => pressed === DESKS * PER_DESK, 'all presses made', 60_000);
      clearInterval(pressing);
      clearInterval(chaos);
      await until(() => boxes.every((b) => b.queueLength === 0), 'every box acknowledged', 120_000);
      await until(
        async () => {
          const counts = await pointsPerDevice();
          return devices.every((d) => counts.get(d.id) === PER_DESK);
        },
        'exactly 500 points per desk in InfluxDB',
        120_000,
      );
      const counts = await pointsPerDevice();
      expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(DESKS * PER_DESK);
      // Every point carries its box's desk and the official on duty there (no roster: the desk's).
      const tagged = await influxd.query(
        'SELECT COUNT("score") AS n FROM "rating" GROUP BY "device", "desk", "officer"',
      );
      expect(tagged).toHaveLength(DESKS);
      for (const row of tagged) {
        const desk = String(row.device).replace('btn-', '');
        expect(row).toMatchObject({ desk, officer: officerOf.get(desk), n: PER_DESK });
      }
      const health = await hub.health();
      expect(health).toMatchObject({ store: { outbox_backlog: 0 } });
      await Promise.all(boxes.map((b) => b.stop()));
    },
    300_000,
  );
});

/** A small seeded PRNG, so the chaos is the same every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
