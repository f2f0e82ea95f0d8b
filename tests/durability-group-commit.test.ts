import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Commune20, startCommune20 } from './helpers/commune20.ts';
import { until } from './helpers/hub.ts';

// A PUBACK means durable, also under group commit: 20 boxes send as fast as the hub takes them
// (50 ratings in flight each), the hub is killed with SIGKILL three times in the middle of its
// commits, and every rating a box saw acknowledged is in InfluxDB exactly once.

const PER_DESK = 1_000;

let commune: Commune20;

beforeAll(async () => {
  commune = await startCommune20(20);
}, 120_000);

afterAll(async () => {
  await commune?.close();
});

describe('group commit under SIGKILL', () => {
  it('keeps every acknowledged rating, exactly once, through three kills at full load', async () => {
    const { devices, hub, influxd } = commune;
    const acked = new Map<string, Set<number>>(devices.map((d) => [d.id, new Set()]));
    let ackCount = 0;
    const boxes = commune.links({ inflight: 50 });
    for (const link of boxes) {
      link.on('acked', (body) => {
        acked.get(link.id)!.add(Number(body.seq));
        ackCount += 1;
      });
    }
    // Every box's presses are queued at once: the links send as fast as PUBACKs come back.
    for (const box of boxes)
      for (let n = 0; n < PER_DESK; n++) box.record('rating', { score: 1 + (n % 4), scale: 4 });
    for (const box of boxes) box.start();
    try {
      const total = devices.length * PER_DESK;
      const ackedBeforeKill: number[] = [];
      for (const share of [0.2, 0.45, 0.7]) {
        await until(() => ackCount >= total * share, `${share * 100}% acknowledged`, 120_000);
        // Mid-load: acknowledgements are still coming in when the hub dies.
        ackedBeforeKill.push(ackCount);
        await hub.kill();
        await hub.start();
      }
      await until(() => boxes.every((b) => b.queueLength === 0), 'every box acknowledged', 180_000);
      expect(ackedBeforeKill.every((n) => n < total)).toBe(true);

      await until(
        async () => {
          const counts = await commune.pointsPerDevice();
          return devices.every((d) => counts.get(d.id) === PER_DESK);
        },
        'every rating in InfluxDB',
        120_000,
      );
      // Exactly once: one point per (box, seq), and each acknowledged seq among them.
      for (const { id } of devices) {
        const rows = await influxd.query(`SELECT "seq" FROM "rating" WHERE "device" = '${id}'`);
        const seqs = rows.map((r) => Number(r.seq));
        expect(new Set(seqs).size, id).toBe(seqs.length);
        expect(seqs.length, id).toBe(PER_DESK);
        for (const seq of acked.get(id)!) expect(seqs.includes(seq), `${id} seq ${seq}`).toBe(true);
      }
    } finally {
      // Also when an expectation failed: no link keeps reconnecting after the test.
      await Promise.all(boxes.map((b) => b.stop(500).catch(() => undefined)));
    }
  }, 400_000);
});
