export { type Indicators, summarize, wilsonLowerBound } from './indicators.ts';
export { indexQuery, perGroupQuery, type Scope, totalsQuery } from './influxql.ts';
export type { MisuseReason } from './misuse.ts';
export {
  type IndicatorQuery,
  type IndicatorReport,
  type RatingRecord,
  Ratings,
  type RatingsDeps,
} from './ratings.ts';
export type { RatingWindow } from './window.ts';
