import { describe, expect, it } from 'vitest';
import { OPEN_SHARE_ALERT, UNRESOLVED_BY_DESK } from '../hub/src/alerts/alerts.ts';
import { openStore } from '../hub/src/store/index.ts';
import { queryPlan } from './helpers/query-plan.ts';

// Every counted rating asks whether its desk has an open share alert, every unsatisfied rating adds
// an alert, and the desk board counts the unresolved ones at each refresh: neither question may
// read every alert the years raised.
describe("a store's alerts, asked about with every rating and every board refresh", () => {
  it.each([
    ['with the statistics of ANALYZE', true],
    ['without them, as the hub runs', false],
  ])('are found through an index of the unresolved ones, not by reading them all (%s)', (_, analyze) => {
    const db = openStore(':memory:');
    const insert = db.prepare(
      "INSERT INTO alerts (key, kind, desk, raised_at, state, details) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', ?, '{}')",
    );
    for (let i = 0; i < 1_000; i++) {
      insert.run(
        `rating:b:${i}`,
        i % 50 === 0 ? 'unsatisfied-share' : 'unsatisfied-rating',
        `quay-${i % 6}`,
        'resolved',
      );
    }
    insert.run('share:quay-2:1', 'unsatisfied-share', 'quay-2', 'acknowledged');
    insert.run('rating:b:1000', 'unsatisfied-rating', 'quay-3', 'open');
    insert.run('rating:b:1001', 'unsatisfied-rating', 'quay-3', 'open');
    if (analyze) db.exec('ANALYZE');

    expect(queryPlan(db, OPEN_SHARE_ALERT)).toMatch(/USING INDEX alerts_open_share_by_desk/);
    expect(db.prepare(OPEN_SHARE_ALERT).get('quay-2')).toBeDefined();
    expect(db.prepare(OPEN_SHARE_ALERT).get('quay-3')).toBeUndefined();

    expect(queryPlan(db, UNRESOLVED_BY_DESK)).toMatch(/USING INDEX alerts_unresolved\b/);
    expect(
      db
        .prepare(UNRESOLVED_BY_DESK)
        .all()
        .map((row) => ({ ...row })),
    ).toEqual([
      { desk: 'quay-2', kind: 'unsatisfied-share', n: 1 },
      { desk: 'quay-3', kind: 'unsatisfied-rating', n: 2 },
    ]);
    db.close();
  });
});
