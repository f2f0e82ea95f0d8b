// A store that has served a commune for a year: the ingest bench runs on it beside the empty one,
// so what a rating costs cannot grow with the store's age unseen (an alert question that read every
// alert ever raised did, and an empty store never showed it).
import { EventBus } from '../hub/src/bus.ts';
import type { SiteConfig } from '../hub/src/config/index.ts';
import { startFeatures } from '../hub/src/features.ts';
import { createLogger } from '../hub/src/log.ts';
import { buildEventDomains } from '../hub/src/main.ts';
import type { Store } from '../hub/src/store/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { DAY_MS, OFFICE_MINUTES, officeTime, T0 } from './load.ts';

/** Weekdays in the year before T0: 50 weeks of five from Monday 1/12/2025, 11 of them holidays. */
const DAYS = 250;
/** Leaders answer alerts: those raised more than this before T0 are resolved. */
const STILL_OPEN_MS = 7 * DAY_MS;

export type History = { ratings: number; alerts: number; open: number };

/** Monday 1/12/2025 07:30, 50 weeks before T0: the year's first opening. */
const YEAR_START = T0 - 50 * 7 * DAY_MS;

/**
 * When box `box` pressed for the `k`-th time in the year before T0: `perDay` presses a weekday,
 * spread over its office hours.
 */
function pastPressTime(k: number, box: number, perDay: number): number {
  const officeMinute = Math.floor(((k % perDay) * OFFICE_MINUTES) / perDay);
  return officeTime(YEAR_START, Math.floor(k / perDay), officeMinute) + box;
}

/**
 * Take in `ratings` ratings from `boxes` over the year before T0 through the hub's own domains, a
 * day at a time as the hub would have (their alerts raised that day), with every alert older than
 * a week resolved and the outbox empty: those points went to InfluxDB long ago.
 */
export async function fillHistory(
  store: Store,
  config: SiteConfig,
  boxes: readonly string[],
  ratings: number,
): Promise<History> {
  let clock = YEAR_START;
  const log = createLogger('silent');
  const domains = buildEventDomains({
    config,
    store,
    bus: new EventBus(log),
    log,
    now: () => new Date(clock),
  });
  const stop = await startFeatures(domains.features, log);
  try {
    const perBox = Math.ceil(ratings / boxes.length);
    // A press a minute at most: more than that would be flagged as repeats, not a year's ratings.
    const perDay = Math.ceil(perBox / DAYS);
    if (perDay > OFFICE_MINUTES) {
      throw new Error(
        `${perBox} ratings a box do not fit a year of office hours (${DAYS * OFFICE_MINUTES} at most)`,
      );
    }
    const taken = (box: number, k: number, id: string) =>
      new Promise<void>((resolve, reject) => {
        const topic = deviceTopic(config.site.code, id, { family: 'evt', event: 'rating' });
        const body = { boot: 'year0001', seq: k, score: 1 + ((k + box) % 4), scale: 4 };
        const ts = new Date(pastPressTime(k, box, perDay)).toISOString();
        const payload = Buffer.from(JSON.stringify({ ...body, ts }));
        domains.ingest.submit(id, topic, payload, (err) => (err ? reject(err) : resolve()));
      });
    for (let from = 0; from < perBox; from += perDay) {
      const to = Math.min(from + perDay, perBox);
      clock = pastPressTime(to - 1, boxes.length, perDay) + 60_000;
      const day: Array<Promise<void>> = [];
      for (const [box, id] of boxes.entries()) for (let k = from; k < to; k++) day.push(taken(box, k, id));
      await Promise.all(day);
    }
    clock = T0;
    const old = store
      .prepare("SELECT id FROM alerts WHERE state != 'resolved' AND raised_at < ?")
      .all(new Date(T0 - STILL_OPEN_MS).toISOString()) as Array<{ id: number }>;
    domains.commits.now(() => {
      for (const { id } of old) domains.alerts.resolve(Number(id), 'chu-tich', 'Đã xử lý');
    });
    for (let batch = domains.outbox.oldest(100_000); batch; batch = domains.outbox.oldest(100_000)) {
      await domains.outbox.removeThrough(batch.throughId);
    }
  } finally {
    await stop();
  }
  const count = (sql: string) => Number((store.prepare(sql).get() as { n: number }).n);
  return {
    ratings: count('SELECT COUNT(*) AS n FROM ratings'),
    alerts: count('SELECT COUNT(*) AS n FROM alerts'),
    open: count("SELECT COUNT(*) AS n FROM alerts WHERE state != 'resolved'"),
  };
}
