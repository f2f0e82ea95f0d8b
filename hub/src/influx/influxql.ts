import type { SCHEMA } from './schema.ts';

/**
 * InfluxQL queries as typed values. Measurement, tag and field names are checked against the
 * schema (schema.ts) when the code compiles, and one query renders two ways: for Grafana, with its
 * `$timeFilter` and `$__interval` macros and template variables (the dashboards), or over a given
 * period (the hub's indicators, tests).
 */

type Schema = (typeof SCHEMA)[number];
export type Measurement = Schema['measurement'];
type Of<M extends Measurement> = Extract<Schema, { measurement: M }>;
export type Tag<M extends Measurement> = Of<M>['tags'][number];
export type Field<M extends Measurement> = keyof Of<M>['fields'] & string;

type Fn = 'count' | 'sum' | 'mean' | 'last' | 'min' | 'max' | 'median';
/** A column: a field (or a subquery's column), or an aggregate of one: `sum(satisfied)`. */
export type Term<F extends string> = F | `${Fn}(${F})`;
/**
 * Arithmetic over terms. A tuple is one operation in parentheses; a division never truncates.
 * `sqrt` serves the small-sample ranking.
 */
export type Expr<F extends string> =
  | Term<F>
  | number
  | readonly [Expr<F>, '+' | '-' | '*' | '/', Expr<F>]
  | { readonly sqrt: Expr<F> };

export type Condition<F extends string, T extends string> =
  | { readonly tag: T; readonly is: string }
  /** A Grafana template variable (`$desk`): one value, several, or all of them. */
  | { readonly tag: T; readonly matches: `$${string}` }
  | { readonly field: F; readonly is: number | string };

/** `auto` is Grafana's `$__interval` (the interval of the period when rendered for one). */
export type TimeBucket = { readonly time: 'auto' | `${number}${'m' | 'h' | 'd'}`; readonly offset?: string };

export type Clauses<F extends string, T extends string, A extends string> = {
  readonly select: ReadonlyArray<{ readonly expr: Expr<F>; readonly as: A }>;
  readonly where?: ReadonlyArray<Condition<F, T>>;
  readonly groupBy?: ReadonlyArray<T | TimeBucket>;
  readonly fill?: 'null' | 'none' | 'previous' | number;
  /** Newest first, e.g. a list of the latest unsatisfied ratings. */
  readonly newestFirst?: boolean;
  readonly limit?: number;
};

/** A query whose result has the columns `A` and can be grouped by the tags `T`. */
export type Query<A extends string, T extends string> = {
  readonly source: { readonly measurement: Measurement; readonly rp?: string } | Query<string, T>;
  readonly clauses: Clauses<string, T, A>;
};

/**
 * A query over a measurement (of the retention policy `rp`, the default one unless told). Tags
 * may be selected too, as columns of a list.
 */
export function from<M extends Measurement, const A extends string>(
  measurement: M,
  clauses: Clauses<Field<M> | Tag<M>, Tag<M>, A>,
  rp?: 'recent',
): Query<A, Tag<M>> {
  return { source: rp ? { measurement, rp } : { measurement }, clauses };
}

/** A query over another query's result: its columns are the inner query's `as` names. */
export function fromQuery<F extends string, T extends string, const A extends string>(
  inner: Query<F, T>,
  clauses: Clauses<F, T, A>,
): Query<A, T> {
  return { source: inner, clauses };
}

/** What a query is rendered for: Grafana's macros, or a period given in full. */
export type Period = 'grafana' | { fromMs: number; toMs: number; interval?: string };

export function influxql(query: Query<string, string>, period: Period): string {
  const { source, clauses } = query;
  const fromText =
    'clauses' in source
      ? `(${influxql(source, period)})`
      : source.rp
        ? `${ident(source.rp)}.${ident(source.measurement)}`
        : ident(source.measurement);
  const select = clauses.select.map((s) => `${expression(s.expr)} AS ${ident(s.as)}`).join(', ');
  const timeFilter =
    period === 'grafana' ? '$timeFilter' : `time >= ${period.fromMs}ms AND time < ${period.toMs}ms`;
  const where = [...(clauses.where ?? []).map(condition), timeFilter].join(' AND ');
  let text = `SELECT ${select} FROM ${fromText} WHERE ${where}`;
  if (clauses.groupBy?.length)
    text += ` GROUP BY ${clauses.groupBy.map((g) => groupBy(g, period)).join(', ')}`;
  if (clauses.fill !== undefined) text += ` fill(${clauses.fill})`;
  if (clauses.newestFirst) text += ' ORDER BY time DESC';
  if (clauses.limit !== undefined) text += ` LIMIT ${clauses.limit}`;
  return text;
}

/** The values a tag has, for a Grafana template variable. */
export function tagValues<M extends Measurement>(measurement: M, tag: Tag<M>): string {
  return `SHOW TAG VALUES FROM ${ident(measurement)} WITH KEY = ${ident(tag)}`;
}

/** A string literal in a condition: InfluxQL escapes `\` and `'` with a backslash. */
export const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const ident = (name: string) => `"${name}"`;

function expression(expr: Expr<string>): string {
  if (typeof expr === 'number') return String(expr);
  if (typeof expr === 'string') {
    const call = /^(\w+)\((\w+)\)$/.exec(expr);
    return call ? `${call[1]!.toUpperCase()}(${ident(call[2]!)})` : ident(expr);
  }
  if ('sqrt' in expr) return `SQRT(${expression(expr.sqrt)})`;
  const [left, op, right] = expr;
  // Integers divide as integers in a subquery (InfluxDB 1.x): × 1.0 makes every division exact.
  if (op === '/') return `(${expression(left)} * 1.0 / ${expression(right)})`;
  return `(${expression(left)} ${op} ${expression(right)})`;
}

function condition(c: Condition<string, string>): string {
  if ('field' in c) return `${ident(c.field)} = ${typeof c.is === 'number' ? c.is : literal(c.is)}`;
  if ('matches' in c) return `${ident(c.tag)} =~ /^${c.matches}$/`;
  return `${ident(c.tag)} = ${literal(c.is)}`;
}

function groupBy(g: string | TimeBucket, period: Period): string {
  if (typeof g === 'string') return ident(g);
  const interval =
    g.time !== 'auto' ? g.time : period === 'grafana' ? '$__interval' : (period.interval ?? '1m');
  return `time(${interval}${g.offset ? `, ${g.offset}` : ''})`;
}
