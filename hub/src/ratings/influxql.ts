/**
 * The indicators as InfluxQL, for the leaders' Grafana dashboards: the same formulas the hub
 * computes (docs/indicators.md), over the `rating` measurement of docs/influxdb.md, counted presses only.
 * `$timeFilter` and the like are Grafana's; here the period is explicit so tests can run them.
 */
export type Scope = { site: string; fromMs: number; toMs: number; desk?: string; officer?: string };

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function where(scope: Scope): string {
  const conditions = [
    `"site" = ${quote(scope.site)}`,
    `"misuse" = 'false'`,
    `time >= ${scope.fromMs}ms`,
    `time < ${scope.toMs}ms`,
  ];
  if (scope.desk) conditions.push(`"desk" = ${quote(scope.desk)}`);
  if (scope.officer) conditions.push(`"officer" = ${quote(scope.officer)}`);
  return conditions.join(' AND ');
}

/** rated, satisfied, unsatisfied, share_satisfied and the 766 ratio in one row. */
export function totalsQuery(scope: Scope): string {
  return `SELECT COUNT("score") AS "rated", SUM("satisfied") AS "satisfied", SUM("unsatisfied") AS "unsatisfied", SUM("satisfied") / COUNT("score") AS "share_satisfied", (COUNT("score") - SUM("unsatisfied")) / COUNT("score") AS "satisfaction_ratio" FROM "rating" WHERE ${where(scope)}`;
}

/** The 0–100 index: the mean of (score − 1) / (scale − 1), × 100 (× 1.0: integer division truncates). */
export function indexQuery(scope: Scope): string {
  return `SELECT MEAN("x") * 100 AS "index" FROM (SELECT ("score" - 1) * 1.0 / ("scale" - 1) AS "x" FROM "rating" WHERE ${where(scope)})`;
}

/** Per desk or official: the counts the small-sample ranking is computed from. */
export function perGroupQuery(scope: Scope, by: 'desk' | 'officer'): string {
  return `SELECT COUNT("score") AS "rated", SUM("satisfied") AS "satisfied" FROM "rating" WHERE ${where(scope)} GROUP BY "${by}"`;
}
