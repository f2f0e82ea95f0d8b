import { describe, expect, it } from 'vitest';
import { OPEN_SHARE_ALERT } from '../hub/src/alerts/alerts.ts';
import { openStore } from '../hub/src/store/index.ts';
import { queryPlan } from './helpers/query-plan.ts';

// Every counted rating asks whether its desk has an open share alert, and every unsatisfied rating
// adds an alert: the question must not read them all.
describe('the open share alert of a desk', () => {
  it('is found through an index, not by reading every alert ever raised', () => {
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
    db.exec('ANALYZE');
    const plan = queryPlan(db, OPEN_SHARE_ALERT);
    expect(plan).toMatch(/USING INDEX alerts_unresolved_by_desk/);
    expect(db.prepare(OPEN_SHARE_ALERT).get('quay-2')).toBeDefined();
    expect(db.prepare(OPEN_SHARE_ALERT).get('quay-3')).toBeUndefined();
    db.close();
  });
});
