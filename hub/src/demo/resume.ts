import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

/** Every time the hub writes into its store, in milliseconds or as an ISO date-time. */
const LATEST = [
  'SELECT MAX(time_ms) AS latest FROM presence_changes',
  'SELECT MAX(time_ms) AS latest FROM ratings',
  'SELECT MAX(raised_at) AS latest FROM alerts',
  'SELECT MAX(at) AS latest FROM alert_history',
  'SELECT MAX(received_at) AS latest FROM events',
];

/**
 * The latest moment the store at `file` holds, if any: where an earlier run's clock (the demo's, or
 * the wall clock of a hub) had got to. Read-only and before the hub starts, so that the demo's
 * clock can start after it; a table an older store lacks is skipped.
 */
export function latestStoredMs(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    let latest: number | undefined;
    for (const sql of LATEST) {
      let value: unknown;
      try {
        value = (db.prepare(sql).get() as { latest: unknown } | undefined)?.latest;
      } catch {
        continue; // no such table yet
      }
      const ms = typeof value === 'string' ? Date.parse(value) : Number(value ?? Number.NaN);
      if (Number.isFinite(ms)) latest = Math.max(latest ?? ms, ms);
    }
    return latest;
  } finally {
    db.close();
  }
}
