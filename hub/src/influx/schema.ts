// The measurements of docs/influxdb.md, with the type of every field, so that integers are written as
// integers (`score=4i`) and a point the hub builds wrong fails loudly instead of landing as a float.
export type FieldType = 'integer' | 'float' | 'string';
export type MeasurementSchema = {
  measurement: string;
  tags: readonly string[];
  fields: Readonly<Record<string, FieldType>>;
};

const i = 'integer';
const f = 'float';
const s = 'string';

// `as const`: the InfluxQL builder (influxql.ts) checks measurement, tag and field names against it.
export const SCHEMA = [
  {
    measurement: 'rating',
    tags: ['site', 'desk', 'device', 'officer', 'misuse'],
    fields: { score: i, scale: i, satisfied: i, unsatisfied: i, seq: i, boot: s, misuse_reason: s },
  },
  { measurement: 'rating_reason', tags: ['site', 'desk', 'device', 'officer', 'reason'], fields: { ref: i } },
  { measurement: 'presence', tags: ['site', 'desk', 'device'], fields: { present: i } },
  {
    measurement: 'attendance',
    tags: ['site', 'desk'],
    fields: { office_min: i, staffed_min: i, absent_min: i, unknown_min: i },
  },
  {
    measurement: 'device',
    tags: ['site', 'device', 'kind'],
    fields: { online: i, battery_mv: i, rssi_dbm: i, uptime_s: i, queue_len: i },
  },
  {
    measurement: 'broadcast',
    tags: ['site', 'program', 'speaker', 'zone', 'priority'],
    fields: { status: s, offset_ms: i, played_s: f },
  },
  {
    measurement: 'hub',
    tags: ['site'],
    fields: { outbox_backlog: i, events_per_s: f, rss_mb: f, rejected: i },
  },
] as const satisfies readonly MeasurementSchema[];
