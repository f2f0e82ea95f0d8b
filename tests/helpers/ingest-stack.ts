import { EventBus } from '../../hub/src/bus.ts';
import type { SiteConfig } from '../../hub/src/config/index.ts';
import { createLogger } from '../../hub/src/log.ts';
import { buildEventDomains } from '../../hub/src/main.ts';
import { openStore, type Store } from '../../hub/src/store/index.ts';

/**
 * The hub's ingest path in-process on a fresh in-memory store, wired as the hub wires it, with the
 * clock `now`: for tests that feed messages straight to `ingest.accept`. Given `db`, over that store,
 * as a hub started again would be.
 */
export function ingestStack(config: SiteConfig, now: () => Date, db: Store = openStore(':memory:')) {
  const log = createLogger('silent');
  const bus = new EventBus(log);
  const domains = buildEventDomains({ config, store: db, bus, log, now });
  // As the hub starts them: each domain registers what it does with an event.
  for (const feature of domains.features) void feature.start();
  return { db, bus, ...domains };
}
