import type { Point } from '../ingest/points.ts';
import { type MeasurementSchema, SCHEMA } from './schema.ts';

/** Each measurement with its tags in InfluxDB's preferred (sorted) order. */
const MEASUREMENTS = new Map(
  SCHEMA.map((m): [string, MeasurementSchema] => [m.measurement, { ...m, tags: [...m.tags].sort() }]),
);

// InfluxDB 1.x line protocol: commas, equals signs and spaces are escaped in tags and field keys,
// backslashes and double quotes in string field values. Most values have none: tested first. The
// expressions are made once: a literal in the functions would be a new object on every call.
const KEY_SPECIAL = /[,= ]/;
const KEY_SPECIALS = /[,= ]/g;
const STRING_SPECIAL = /["\\]/;
const STRING_SPECIALS = /["\\]/g;
const escapeKey = (text: string) => (KEY_SPECIAL.test(text) ? text.replace(KEY_SPECIALS, '\\$&') : text);
const quote = (text: string) =>
  `"${STRING_SPECIAL.test(text) ? text.replace(STRING_SPECIALS, '\\$&') : text}"`;

/**
 * A point as one line of InfluxDB's line protocol, at millisecond precision (docs/influxdb.md).
 * Rendered when the point enters the outbox, so one the hub built wrong — a measurement, tag or
 * field the schema does not have, a number that is not one — fails inside the transaction of
 * the message that made it, not later in the writer where it would block every point behind it.
 */
export function toLine(point: Point): string {
  const schema = MEASUREMENTS.get(point.measurement);
  if (!schema) throw new Error(`InfluxDB point: unknown measurement "${point.measurement}"`);
  let line = point.measurement;
  let tags = 0;
  for (const tag of schema.tags) {
    const value = point.tags[tag];
    if (value === undefined) continue;
    tags++;
    // InfluxDB refuses an empty tag value; an absent tag is how it stores "none".
    if (value !== '') line += `,${tag}=${escapeKey(value)}`;
  }
  let given = 0;
  for (const tag in point.tags) if (point.tags[tag] !== undefined) given++;
  if (tags !== given) {
    const unknown = Object.keys(point.tags).filter((tag) => !schema.tags.includes(tag));
    throw new Error(`InfluxDB point: "${point.measurement}" has no tag "${unknown.join('", "')}"`);
  }
  let separator = ' ';
  for (const field in point.fields) {
    const type = schema.fields[field];
    if (!type) throw new Error(`InfluxDB point: "${point.measurement}" has no field "${field}"`);
    line += `${separator}${field}=${fieldValue(point.measurement, field, type, point.fields[field]!)}`;
    separator = ',';
  }
  if (separator === ' ') throw new Error(`InfluxDB point: "${point.measurement}" has no fields`);
  if (!Number.isSafeInteger(point.timeMs))
    throw new Error(`InfluxDB point: time ${point.timeMs} is not in ms`);
  return `${line} ${point.timeMs}`;
}

function fieldValue(measurement: string, field: string, type: string, value: number | string): string {
  if (type === 'string') return quote(String(value));
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`InfluxDB point: ${measurement}.${field} must be a number, got ${JSON.stringify(value)}`);
  }
  return type === 'integer' ? `${Math.trunc(value)}i` : String(value);
}
