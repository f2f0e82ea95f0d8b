import { EventBus } from '../../hub/src/bus.ts';
import type { SiteConfig } from '../../hub/src/config/index.ts';
import { createLogger } from '../../hub/src/log.ts';
import { buildEventDomains } from '../../hub/src/main.ts';
import { openStore } from '../../hub/src/store/index.ts';

/**
 * The hub's ingest path in-process on a fresh in-memory store, wired as the hub wires it, with the
 * clock `now`: for tests that feed messages straight to `ingest.accept`.
 */
export function ingestStack(config: SiteConfig, now: () => Date) {
  const db = openStore(':memory:');
  const log = createLogger('silent');
  const bus = new EventBus(log);
  return { db, bus, ...buildEventDomains({ config, store: db, bus, log, now }) };
}
