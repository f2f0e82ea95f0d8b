export { type Indicators, summarize, wilsonLowerBound } from './indicators.ts';
export {
  counted,
  index,
  indexQuery,
  RATIO_766,
  type RatingCondition,
  ranking,
  rankingQuery,
  type Scope,
  SHARE_SATISFIED,
  totals,
  totalsQuery,
} from './influxql.ts';
export type { MisuseReason } from './misuse.ts';
export {
  type IndicatorQuery,
  type IndicatorReport,
  type RatingRecord,
  Ratings,
  type RatingsDeps,
} from './ratings.ts';
export type { RatingWindow } from './window.ts';
