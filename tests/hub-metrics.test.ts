import { describe, expect, it } from 'vitest';
import { Outbox } from '../hub/src/ingest/index.ts';
import { createLogger } from '../hub/src/log.ts';
import { HubMetrics } from '../hub/src/metrics/index.ts';
import { GroupCommit, openStore } from '../hub/src/store/index.ts';
import { nextBatch, outboxPoints } from './helpers/outbox-points.ts';

describe('hub measurement (docs/influxdb.md)', () => {
  it('queues backlog, event rate, RSS and refusals as a hub point', async () => {
    const db = openStore(':memory:');
    const outbox = new Outbox(db, new GroupCommit(db, createLogger('silent')));
    let now = 1_000_000;
    let accepted = 0;
    const metrics = new HubMetrics({
      site: 'xa-tan-lap',
      outbox,
      accepted: () => accepted,
      rejected: () => 3,
      now: () => now,
    });
    metrics.start();
    accepted = 120;
    now += 60_000;
    metrics.sample();
    metrics.stop();
    await nextBatch();
    const [point] = outboxPoints(db);
    expect(point).toMatchObject({
      measurement: 'hub',
      tags: { site: 'xa-tan-lap' },
      fields: { outbox_backlog: 0, events_per_s: 2, rejected: 3, rss_mb: expect.any(Number) },
      timeMs: now,
    });
    expect(metrics.eventsPerS).toBe(2);
  });
});
