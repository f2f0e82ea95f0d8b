/**
 * The satisfaction indicators, over the counted ratings of a period (flagged presses are kept but
 * not counted). Formulas, with their sources, are in docs/indicators.md.
 */
export type Indicators = {
  /** Counted ratings. */
  rated: number;
  /** Presses set aside as suspect (repeat, outside office hours). */
  flagged: number;
  satisfied: number;
  unsatisfied: number;
  /** satisfied / rated; null with no ratings. */
  share_satisfied: number | null;
  /** Mean of (score − 1) / (scale − 1) × 100: 0 all worst, 100 all best; null with no ratings. */
  index: number | null;
  /** Quyết định 766/QĐ-TTg: (rated − unsatisfied) / rated; null with no ratings. */
  satisfaction_ratio: number | null;
  /** Wilson lower bound (95 %) of share_satisfied: what small samples are ranked by. */
  ranking_score: number | null;
};

export type RatingRow = {
  score: number;
  scale: number;
  satisfied: number;
  unsatisfied: number;
  misuse: string;
};

export function summarize(rows: readonly RatingRow[]): Indicators {
  const counted = rows.filter((r) => r.misuse === '');
  const rated = counted.length;
  const satisfied = counted.reduce((n, r) => n + r.satisfied, 0);
  const unsatisfied = counted.reduce((n, r) => n + r.unsatisfied, 0);
  const points = counted.reduce((sum, r) => sum + (r.score - 1) / (r.scale - 1), 0);
  return {
    rated,
    flagged: rows.length - rated,
    satisfied,
    unsatisfied,
    share_satisfied: rated ? satisfied / rated : null,
    index: rated ? (100 * points) / rated : null,
    satisfaction_ratio: rated ? (rated - unsatisfied) / rated : null,
    ranking_score: rated ? wilsonLowerBound(satisfied, rated) : null,
  };
}

export const Z_95 = 1.959963984540054;

/**
 * The lower bound of the Wilson score interval for a proportion: 3 of 3 satisfied ranks below
 * 95 of 100, because three ratings say little (E. B. Wilson, JASA 22:158, 1927).
 */
export function wilsonLowerBound(positive: number, n: number, z = Z_95): number {
  if (n === 0) return 0;
  const p = positive / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
}

/** Indicators per group (desk or official), best first by the small-sample-corrected score. */
export function rank<K extends string>(
  rows: readonly (RatingRow & Record<K, string>)[],
  key: K,
): Array<{ id: string } & Indicators> {
  const groups = new Map<string, RatingRow[]>();
  for (const row of rows) groups.set(row[key], [...(groups.get(row[key]) ?? []), row]);
  return [...groups]
    .map(([id, group]) => ({ id, ...summarize(group) }))
    .filter((g) => g.rated > 0)
    .sort(
      (a, b) =>
        (b.ranking_score ?? 0) - (a.ranking_score ?? 0) || b.rated - a.rated || a.id.localeCompare(b.id),
    );
}
