import { Alerts } from '../../hub/src/alerts/index.ts';
import { EventBus } from '../../hub/src/bus.ts';
import { isOfficeTime, officerAt, type SiteConfig } from '../../hub/src/config/index.ts';
import { DeviceRegistry } from '../../hub/src/devices/index.ts';
import { Ingest, Outbox, Rejections } from '../../hub/src/ingest/index.ts';
import { createLogger } from '../../hub/src/log.ts';
import { Presence } from '../../hub/src/presence/index.ts';
import { Ratings } from '../../hub/src/ratings/index.ts';
import { openStore } from '../../hub/src/store/index.ts';

/**
 * The hub's ingest path in-process on a fresh in-memory store, wired as main.ts wires it, with the
 * clock `now`: for tests that feed messages straight to `ingest.accept`.
 */
export function ingestStack(config: SiteConfig, now: () => Date) {
  const db = openStore(':memory:');
  const log = createLogger('silent');
  const bus = new EventBus(log);
  const devices = new DeviceRegistry(db, now);
  const outbox = new Outbox(db);
  const rejections = new Rejections(db, log, bus);
  const alerts = new Alerts(
    db,
    {
      unsatisfiedShare: config.alerts.unsatisfied_share,
      windowMs: config.alerts.unsatisfied_window_min * 60_000,
      minRatings: 5,
    },
    now,
  );
  const presence = new Presence({
    db,
    calendar: config,
    desks: config.desks,
    emptyAfterMs: config.alerts.empty_desk_after_min * 60_000,
    devices,
    alerts,
    bus,
    log,
    officerAt: (desk, at) => officerAt(config, desk, at),
    now,
  });
  const ratings = new Ratings(db, {
    isOfficeTime: (at) => isOfficeTime(config, at),
    repeatIntervalMs: config.rating.repeat_interval_s * 1000,
    deskState: (desk, atMs) => presence.stateAt(desk, atMs),
  });
  const ingest = new Ingest({
    site: config.site.code,
    db,
    devices,
    outbox,
    rejections,
    bus,
    log,
    officerOnDuty: (desk, at) => officerAt(config, desk, at),
    ratings,
    alerts,
    presence,
    now,
  });
  return { db, bus, devices, outbox, rejections, alerts, presence, ratings, ingest };
}
