import {
  type Condition,
  type Expr,
  type Field,
  from,
  fromQuery,
  influxql,
  type Tag,
} from '../influx/influxql.ts';
import { Z_95 } from './indicators.ts';

/**
 * The indicators as InfluxQL, for the leaders' Grafana dashboards (dashboards/): the same formulas
 * the hub computes (docs/indicators.md), over the `rating` measurement of docs/influxdb.md,
 * counted presses only. Each takes the conditions that narrow it (a desk, an official, Grafana's
 * template variables); the `…Query(scope)` forms render them over a period for the hub and tests.
 */
export type RatingCondition = Condition<Field<'rating'>, Tag<'rating'>>;

/** The presses that count (docs/indicators.md), narrowed. */
export const counted = (narrow: readonly RatingCondition[]): RatingCondition[] => [
  { tag: 'misuse', is: 'false' },
  ...narrow,
];

/** The share of counted ratings that are satisfied. */
export const SHARE_SATISFIED: Expr<Field<'rating'>> = ['sum(satisfied)', '/', 'count(score)'];
/** The satisfaction ratio of Quyết định 766/QĐ-TTg: (rated − unsatisfied) / rated. */
export const RATIO_766: Expr<Field<'rating'>> = [
  ['count(score)', '-', 'sum(unsatisfied)'],
  '/',
  'count(score)',
];

/** rated, satisfied, unsatisfied, share_satisfied and the 766 ratio in one row. */
export const totals = (narrow: readonly RatingCondition[] = []) =>
  from('rating', {
    select: [
      { expr: 'count(score)', as: 'rated' },
      { expr: 'sum(satisfied)', as: 'satisfied' },
      { expr: 'sum(unsatisfied)', as: 'unsatisfied' },
      { expr: SHARE_SATISFIED, as: 'share_satisfied' },
      { expr: RATIO_766, as: 'satisfaction_ratio' },
    ],
    where: counted(narrow),
  });

/** The 0–100 index: the mean of (score − 1) / (scale − 1), × 100. */
export const index = (narrow: readonly RatingCondition[] = []) =>
  fromQuery(
    from('rating', {
      select: [{ expr: [['score', '-', 1], '/', ['scale', '-', 1]], as: 'x' }],
      where: counted(narrow),
    }),
    { select: [{ expr: ['mean(x)', '*', 100], as: 'index' }] },
  );

/**
 * Per desk or official: the counts, the share satisfied and the small-sample ranking score (the
 * lower bound of the Wilson interval, as `wilsonLowerBound` computes it).
 */
export const ranking = (by: 'desk' | 'officer', narrow: readonly RatingCondition[] = []) => {
  const z2 = Z_95 * Z_95;
  const counts = from('rating', {
    select: [
      { expr: 'count(score)', as: 'rated' },
      { expr: 'sum(satisfied)', as: 'satisfied' },
      { expr: SHARE_SATISFIED, as: 'p' },
    ],
    where: counted(narrow),
    groupBy: [by],
  });
  type Column = 'rated' | 'satisfied' | 'p';
  const spread: Expr<Column> = {
    sqrt: [[['p', '*', [1, '-', 'p']], '+', [z2 / 4, '/', 'rated']], '/', 'rated'],
  };
  return fromQuery(counts, {
    select: [
      { expr: 'rated', as: 'rated' },
      { expr: 'satisfied', as: 'satisfied' },
      { expr: 'p', as: 'share_satisfied' },
      {
        expr: [
          [['p', '+', [z2 / 2, '/', 'rated']], '-', [Z_95, '*', spread]],
          '/',
          [1, '+', [z2, '/', 'rated']],
        ],
        as: 'ranking_score',
      },
    ],
    groupBy: [by],
  });
};

export type Scope = { site: string; fromMs: number; toMs: number; desk?: string; officer?: string };

function narrowTo(scope: Scope): RatingCondition[] {
  const narrow: RatingCondition[] = [{ tag: 'site', is: scope.site }];
  if (scope.desk) narrow.push({ tag: 'desk', is: scope.desk });
  if (scope.officer) narrow.push({ tag: 'officer', is: scope.officer });
  return narrow;
}

export const totalsQuery = (scope: Scope) => influxql(totals(narrowTo(scope)), scope);
export const indexQuery = (scope: Scope) => influxql(index(narrowTo(scope)), scope);
export const rankingQuery = (scope: Scope, by: 'desk' | 'officer') =>
  influxql(ranking(by, narrowTo(scope)), scope);
