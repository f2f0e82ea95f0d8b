import { describe, expect, it } from 'vitest';
import { ratingBody } from '../bench/load.ts';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { placementOf } from '../hub/src/devices/index.ts';
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
