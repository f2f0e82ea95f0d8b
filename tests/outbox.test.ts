import { describe, expect, it } from 'vitest';
import { toLine } from '../hub/src/influx/index.ts';
import { Outbox } from '../hub/src/ingest/index.ts';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore } from '../hub/src/store/index.ts';
import { nextBatch, outboxPoints } from './helpers/outbox-points.ts';

// The outbox: line protocol, the points of one unit of work in one row, durable with it.

const point = (seq: number) => ({
  measurement: 'rating',
  tags: { site: 'xa-tan-lap', desk: 'quay-1', device: 'btn-1', officer: 'none', misuse: 'false' },
  fields: { score: 4, scale: 4, satisfied: 1, unsatisfied: 0, seq, boot: 'boot0001', misuse_reason: '' },
  timeMs: 1_700_000_000_000 + seq,
});

function stack() {
  const db = openStore(':memory:');
  const commits = new GroupCommit(db, createLogger('silent'));
  return { db, commits, outbox: new Outbox(db, commits) };
}

const submit = (commits: GroupCommit, work: () => void) =>
  new Promise<Error | undefined>((resolve) => commits.submit(work, resolve));

describe('line protocol', () => {
  it('writes integers as integers, quotes strings, sorts tags and escapes what InfluxDB needs escaped', () => {
    expect(
      toLine({
        measurement: 'rating',
        tags: { site: 'xa tan,lap', device: 'btn=1', desk: 'quay-1', officer: '', misuse: 'false' },
        fields: { score: 4, boot: 'a "b" \\c', misuse_reason: '' },
        timeMs: 1_700_000_000_123,
      }),
    ).toBe(
      'rating,desk=quay-1,device=btn\\=1,misuse=false,site=xa\\ tan\\,lap score=4i,boot="a \\"b\\" \\\\c",misuse_reason="" 1700000000123',
    );
    expect(toLine({ measurement: 'hub', tags: { site: 's' }, fields: { rss_mb: 101.5 }, timeMs: 1 })).toBe(
      'hub,site=s rss_mb=101.5 1',
    );
  });

  it('refuses a point the schema does not have, naming what is wrong', () => {
    const good = point(0);
    expect(() => toLine({ ...good, measurement: 'ratings' })).toThrow(/unknown measurement "ratings"/);
    expect(() => toLine({ ...good, tags: { ...good.tags, zone: 'a' } })).toThrow(/has no tag "zone"/);
    expect(() => toLine({ ...good, fields: { ...good.fields, stars: 5 } })).toThrow(/has no field "stars"/);
    expect(() => toLine({ ...good, fields: { score: '4' } })).toThrow(/rating.score must be a number/);
    expect(() => toLine({ ...good, fields: {} })).toThrow(/has no fields/);
  });
});

describe('outbox', () => {
  it('keeps the points of one unit of work in one row, counts points, and reads rows up to a number of points', async () => {
    const { db, commits, outbox } = stack();
    commits.now(() => {
      for (const seq of [0, 1, 2]) outbox.add(point(seq));
    });
    outbox.add(point(3)); // outside a unit of work: with the next batch, not a commit of its own
    expect(outbox.backlog()).toBe(3);
    await nextBatch();
    expect(db.prepare('SELECT points FROM outbox ORDER BY id').all()).toEqual([{ points: 3 }, { points: 1 }]);
    expect(outbox.backlog()).toBe(4);
    expect(outboxPoints(db).map((p) => p.fields.seq)).toEqual([0, 1, 2, 3]);
    const first = outbox.oldest(2)!; // at least one row, though it holds more than asked
    expect(first.points).toBe(3);
    expect(first.lines.split('\n')).toEqual([0, 1, 2].map((seq) => toLine(point(seq))));
    await outbox.removeThrough(first.throughId);
    expect(outbox.backlog()).toBe(1);
    expect(outbox.oldest(1000)!.points).toBe(1);
  });

  it('keeps no point of a message that was rolled back, and every point of the others in its batch', async () => {
    const { db, commits, outbox } = stack();
    const results = await Promise.all([
      submit(commits, () => outbox.add(point(0))),
      submit(commits, () => {
        outbox.add(point(1));
        throw new Error('this message fails');
      }),
      submit(commits, () => outbox.add(point(2))),
    ]);
    expect(results.map((r) => r?.message)).toEqual([undefined, 'this message fails', undefined]);
    expect(outboxPoints(db).map((p) => p.fields.seq)).toEqual([0, 2]);
  });
});
