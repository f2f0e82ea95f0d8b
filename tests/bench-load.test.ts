import { describe, expect, it } from 'vitest';
import { fillHistory } from '../bench/history.ts';
import { ratingBody, T0 } from '../bench/load.ts';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import { openStore } from '../hub/src/store/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';
import { ingestStack } from './helpers/ingest-stack.ts';

// The ingest bench's ratings are what a box sends after an outage: citizens' presses, each of which
// counts. Presses a box made too close together are flagged and skip the alerts, and a bench of
// them would measure less work per rating than a commune's hub does.

const config = loadSiteConfig(EXAMPLE_CONFIG);

describe("the ingest bench's load", () => {
  it('counts every press of a box through a week of office days and into the next, and alerts on every unsatisfied one', async () => {
    const { db, ingest, devices } = ingestStack(config, () => new Date('2026-12-01T00:00:00Z'));
    const boxes = ['btn-bench-0', 'btn-bench-1'];
    for (const id of boxes) {
      await devices.add({ id, kind: 'rating-button', desk: config.desks[0]!.id }, placementOf(config));
    }
    // Five office days of 450 presses, then the Monday after the weekend; the second box beside.
    const presses = 5 * 450 + 50;
    for (let seq = 0; seq < presses; seq++) {
      for (const [box, id] of boxes.entries()) {
        if (box === 1 && seq >= 40) continue;
        const topic = deviceTopic(config.site.code, id, { family: 'evt', event: 'rating' });
        ingest.accept(id, topic, Buffer.from(ratingBody(seq, box)));
      }
    }
    const count = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    expect(count('SELECT COUNT(*) AS n FROM ratings')).toBe(presses + 40);
    expect(count("SELECT COUNT(*) AS n FROM ratings WHERE misuse != ''")).toBe(0);
    // Scores 1 to 4 in turn: 1 is unsatisfied.
    expect(count("SELECT COUNT(*) AS n FROM alerts WHERE kind = 'unsatisfied-rating'")).toBe(
      (presses + 40) / 4,
    );
  });
});

describe('a store that has served a year', () => {
  it("holds the year's ratings in office hours before T0, its old alerts resolved and nothing left for InfluxDB", async () => {
    const db = openStore(':memory:');
    const registry = new DeviceRegistry(db);
    const boxes = ['btn-bench-0', 'btn-bench-1'];
    for (const id of boxes) {
      await registry.add({ id, kind: 'rating-button', desk: config.desks[0]!.id }, placementOf(config));
    }
    const year = await fillHistory(db, config, boxes, 2_000);
    expect(year.ratings).toBe(2_000);
    const span = db.prepare('SELECT MIN(time_ms) AS first, MAX(time_ms) AS last FROM ratings').get() as {
      first: number;
      last: number;
    };
    expect(T0 - span.first).toBeGreaterThan(300 * 86_400_000);
    expect(span.last).toBeLessThan(T0);
    // Its presses are a citizen's, 22 minutes apart in office hours: only those of holidays are flagged.
    const flagged = db.prepare("SELECT DISTINCT misuse FROM ratings WHERE misuse != ''").all();
    expect(flagged).toEqual([{ misuse: 'outside-hours' }]);
    expect(year.alerts).toBeGreaterThan(400);
    expect(year.open).toBeLessThan(year.alerts / 10);
    expect(db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    db.close();
  });
});
