import type { InfluxHttp } from './connection.ts';

/**
 * How long InfluxDB keeps what the hub writes (docs/influxdb.md, keeping). Ratings, reasons,
 * presence and broadcasts are evidence for the yearly scoring: kept raw for good in the default
 * policy (`autogen`, no expiry). Device telemetry and the hub's own health come every minute from
 * every device: kept raw for RECENT_DAYS in `recent`, and for good as hourly means. Continuous
 * queries also keep daily totals of ratings and broadcasts, for year-long dashboards that a Pi
 * answers at once.
 */
export const RECENT = { name: 'recent', days: 90, shardDays: 1 } as const;

/** The measurements written to `recent` instead of the default policy. */
export const RECENT_MEASUREMENTS = ['device', 'hub'] as const;

export type ContinuousQuery = { name: string; select: string; resampleFor: string };

const q = (name: string) => `"${name.replace(/["\\]/g, '\\$&')}"`;

/**
 * The continuous queries: each a SELECT … INTO with its GROUP BY time. Days are the site's local
 * days: `time(1d, <offset>)` starts them at local midnight (`utcOffsetMin`, the site's offset from
 * UTC; Việt Nam keeps +07:00 all year).
 */
export function continuousQueries(database: string, utcOffsetMin: number): ContinuousQuery[] {
  const db = q(database);
  const day = `time(1d, ${-utcOffsetMin}m)`;
  return [
    {
      name: 'device_1h',
      select: `SELECT mean("online") AS "online", min("battery_mv") AS "battery_mv", mean("rssi_dbm") AS "rssi_dbm", max("queue_len") AS "queue_len", max("uptime_s") AS "uptime_s" INTO ${db}."autogen"."device_1h" FROM ${db}.${q(RECENT.name)}."device" GROUP BY time(1h), *`,
      // A device back from an outage sends its last hour late: look back two.
      resampleFor: '2h',
    },
    {
      name: 'hub_1h',
      select: `SELECT max("outbox_backlog") AS "outbox_backlog", mean("events_per_s") AS "events_per_s", max("rss_mb") AS "rss_mb", max("rejected") AS "rejected" INTO ${db}."autogen"."hub_1h" FROM ${db}.${q(RECENT.name)}."hub" GROUP BY time(1h), *`,
      resampleFor: '2h',
    },
    {
      name: 'rating_1d',
      select: `SELECT count("score") AS "rated", sum("satisfied") AS "satisfied", sum("unsatisfied") AS "unsatisfied", sum("score") AS "score_sum" INTO ${db}."autogen"."rating_1d" FROM ${db}."autogen"."rating" WHERE "misuse" = 'false' GROUP BY ${day}, "site", "desk", "officer"`,
      // A rating box offline for days sends its presses when it is back: a week is recounted.
      resampleFor: '7d',
    },
    {
      name: 'broadcast_1d',
      select: `SELECT count("played_s") AS "entries", sum("played_s") AS "played_s" INTO ${db}."autogen"."broadcast_1d" FROM ${db}."autogen"."broadcast" GROUP BY ${day}, "site", "zone", "priority"`,
      resampleFor: '2d',
    },
  ];
}

export const createStatement = (database: string, cq: ContinuousQuery) =>
  `CREATE CONTINUOUS QUERY ${q(cq.name)} ON ${q(database)} RESAMPLE FOR ${cq.resampleFor} BEGIN ${cq.select} END`;

/**
 * Create the database, its policies and continuous queries, or bring them to what this hub says:
 * safe to run at every start and twice. InfluxDB accepts a CREATE that matches what exists and
 * refuses one that differs; that one is altered (a policy) or dropped and made again (a query).
 */
export async function applyKeeping(influx: InfluxHttp, utcOffsetMin: number): Promise<void> {
  const db = q(influx.database);
  await influx.command(`CREATE DATABASE ${db}`);
  const policy = `DURATION ${RECENT.days}d REPLICATION 1 SHARD DURATION ${RECENT.shardDays}d`;
  await influx
    .command(`CREATE RETENTION POLICY ${q(RECENT.name)} ON ${db} ${policy}`)
    .catch(async (err: Error) => {
      if (!/already exists/.test(err.message)) throw err;
      await influx.command(`ALTER RETENTION POLICY ${q(RECENT.name)} ON ${db} ${policy}`);
    });
  for (const cq of continuousQueries(influx.database, utcOffsetMin)) {
    const create = createStatement(influx.database, cq);
    await influx.command(create).catch(async (err: Error) => {
      if (!/already exists/.test(err.message)) throw err;
      await influx.command(`DROP CONTINUOUS QUERY ${q(cq.name)} ON ${db}`);
      await influx.command(create);
    });
  }
}

/** A line of a measurement kept in `recent`: it starts with that measurement's name. */
const RECENT_LINE = new RegExp(`(?:^|\n)(?:${RECENT_MEASUREMENTS.join('|')})[ ,]`);

/** A batch's lines, split by where they are kept: the default policy, or `recent`. */
export function byPolicy(lines: string): { kept: string; recent: string } {
  // Under a burst a batch is thousands of ratings and nothing else: one scan of it (0.2 ms for
  // 5,000 lines here) instead of splitting and joining every line on the event loop (1–4 ms).
  if (!RECENT_LINE.test(lines)) return { kept: lines, recent: '' };
  const kept: string[] = [];
  const recent: string[] = [];
  for (const line of lines.split('\n')) {
    if (!line) continue;
    const measurement = line.slice(0, line.search(/[ ,]/));
    ((RECENT_MEASUREMENTS as readonly string[]).includes(measurement) ? recent : kept).push(line);
  }
  return { kept: kept.join('\n'), recent: recent.join('\n') };
}
