import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type Command, deviceTopic } from '../../protocol/index.ts';
import { Alerts } from './alerts/index.ts';
import { Broker } from './broker/index.ts';
import { EventBus } from './bus.ts';
import { isOfficeTime, loadSiteConfig, officerAt, type SiteConfig } from './config/index.ts';
import { DeviceAuthenticator, DeviceRegistry } from './devices/index.ts';
import { BOARD_ROLES, buildHttp, type Health } from './http/index.ts';
import { connect, InfluxWriter, parseInfluxUrl, redact } from './influx/index.ts';
import { Ingest, Outbox, Rejections } from './ingest/index.ts';
import { HubMetrics } from './metrics/index.ts';
import { Presence } from './presence/index.ts';
import { Ratings } from './ratings/index.ts';
import { LoginThrottle } from './security/index.ts';
import type { Settings } from './settings.ts';
import { dataVersion, openStore, type Store } from './store/index.ts';
import { Users } from './users/index.ts';
import { VERSION } from './version.ts';
import { DeskBoardLive, deskBoard } from './web/index.ts';

export type Hub = {
  config: SiteConfig;
  store: Store;
  devices: DeviceRegistry;
  users: Users;
  ratings: Ratings;
  presence: Presence;
  http: FastifyInstance;
  bus: EventBus;
  mqttPort: number;
  /** MQTT over TLS, when certificates are configured. */
  mqttTlsPort: number | undefined;
  httpPort: number;
  health: () => Health;
  /** Send a command to a device's cmd topic (QoS 1). */
  sendCommand: (device: string, command: Command) => Promise<void>;
  stop: () => Promise<void>;
};

export const storePath = (dataDir: string) => join(dataDir, 'hub.sqlite');

/**
 * The domains that take in device events, wired to each other: devices, outbox, alerts, presence,
 * ratings, rejections and ingest. Part of the composition root, apart so that tests that feed
 * messages straight to `ingest.accept` get the hub's own wiring.
 */
export function buildEventDomains(deps: {
  config: SiteConfig;
  store: Store;
  bus: EventBus;
  log: Logger;
  now: () => Date;
}) {
  const { config, store, bus, log, now } = deps;
  const devices = new DeviceRegistry(store, now);
  const outbox = new Outbox(store);
  const alerts = new Alerts(
    store,
    {
      unsatisfiedShare: config.alerts.unsatisfied_share,
      windowMs: config.alerts.unsatisfied_window_min * 60_000,
      minRatings: 5,
    },
    now,
  );
  const presence = new Presence({
    db: store,
    calendar: config,
    desks: config.desks,
    emptyAfterMs: config.alerts.empty_desk_after_min * 60_000,
    devices,
    alerts,
    bus,
    log: log.child({ domain: 'presence' }),
    officerAt: (desk, at) => officerAt(config, desk, at),
    now,
  });
  const ratings = new Ratings(store, {
    isOfficeTime: (at) => isOfficeTime(config, at),
    repeatIntervalMs: config.rating.repeat_interval_s * 1000,
    deskState: (desk, atMs) => presence.stateAt(desk, atMs),
  });
  const rejections = new Rejections(store, log.child({ domain: 'ingest' }), bus);
  const ingest = new Ingest({
    site: config.site.code,
    db: store,
    devices,
    outbox,
    rejections,
    bus,
    log: log.child({ domain: 'ingest' }),
    officerOnDuty: (desk, at) => officerAt(config, desk, at),
    ratings,
    alerts,
    presence,
    now,
  });
  return { devices, outbox, alerts, presence, ratings, rejections, ingest };
}

/**
 * The composition root: builds every feature from the settings, starts them in order and stops
 * them in reverse. Nothing else reads settings or config.
 */
export async function startHub(
  settings: Settings,
  log: Logger,
  /** The hub's clock; tests drive a simulated office day with their own. */
  now: () => Date = () => new Date(),
): Promise<Hub> {
  const startedAt = Date.now();
  const config = loadSiteConfig(settings.configPath);
  const site = config.site.code;
  const store = openStore(storePath(settings.dataDir));
  const bus = new EventBus(log);
  const users = new Users(store);
  const { devices, outbox, alerts, presence, ratings, rejections, ingest } = buildEventDomains({
    config,
    store,
    bus,
    log,
    now,
  });
  const broker = new Broker({
    site,
    version: VERSION,
    auth: new DeviceAuthenticator(devices),
    ingest,
    rejections,
    log: log.child({ domain: 'broker' }),
  });

  const influxTarget = settings.influxUrl ? parseInfluxUrl(settings.influxUrl) : undefined;
  const writer = influxTarget
    ? new InfluxWriter({
        outbox,
        influx: connect(influxTarget),
        database: influxTarget.database,
        log: log.child({ domain: 'influx' }),
      })
    : undefined;

  const metrics = new HubMetrics({
    site,
    outbox,
    accepted: () => ingest.stats().accepted,
    rejected: () => rejections.counts().total,
  });

  const health = (): Health => {
    const backlog = outbox.backlog();
    const written = writer?.status();
    const problems: string[] = [];
    if (!influxTarget) {
      problems.push('InfluxDB is not configured (TT_INFLUX_URL): events wait in the outbox');
    } else if (written?.failing_since) {
      problems.push(
        `InfluxDB unreachable since ${written.failing_since} (${written.last_error}): ${backlog} points wait in the outbox`,
      );
    }
    return {
      status: problems.length === 0 ? 'ok' : 'degraded',
      problems,
      version: VERSION,
      site,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      mqtt: { clients: broker.connectedClients },
      store: { outbox_backlog: backlog },
      influx: influxTarget
        ? { configured: true, url: redact(influxTarget.url.toString()), ...written }
        : { configured: false },
      ingest: { ...ingest.stats(), events_per_s: metrics.eventsPerS },
      rejected: rejections.counts(),
      rss_mb: Math.round(process.memoryUsage.rss() / 1048576),
    };
  };

  devices.markAllOffline();
  const board = () => deskBoard({ config, presence, ratings, alerts, now });
  const http = buildHttp(
    {
      config,
      users,
      devices,
      throttle: { user: new LoginThrottle(), address: new LoginThrottle({ freeFailures: 30 }) },
      health,
      ratings,
      alerts,
      presence,
      deskBoard: board,
      now,
      timezone: config.site.timezone,
      secureCookies: false,
    },
    log,
  );
  await http.listen({ host: settings.host, port: settings.httpPort });
  const mqtt = await broker.start(
    {
      host: settings.host,
      port: settings.mqttPort,
      tls: settings.tls && {
        port: settings.tls.port,
        cert: readFileSync(settings.tls.certPath),
        key: readFileSync(settings.tls.keyPath),
      },
    },
    http.server,
  );

  // The CLI revokes and rotates by writing to the store; the hub notices the commit and closes
  // connections whose credentials are no longer valid (issue: "take effect on live connections").
  let seenVersion = dataVersion(store);
  const watch = setInterval(() => {
    const version = dataVersion(store);
    if (version === seenVersion) return;
    seenVersion = version;
    broker.enforceCredentials();
  }, 500);
  watch.unref();
  const live = new DeskBoardLive({
    server: http.server,
    bus,
    sessionUser: (token) => users.sessionUser(token),
    roles: BOARD_ROLES,
    snapshot: board,
    log: log.child({ domain: 'web' }),
  });
  writer?.start();
  metrics.start();
  presence.start();
  live.start();

  const address = http.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : settings.httpPort;
  log.info({ site, mqttPort: mqtt.port, httpPort, ms: Date.now() - startedAt }, 'hub started');
  for (const problem of health().problems) log.warn(problem);

  return {
    config,
    store,
    devices,
    users,
    ratings,
    presence,
    http,
    bus,
    mqttPort: mqtt.port,
    mqttTlsPort: mqtt.tlsPort,
    httpPort,
    health,
    sendCommand: (device, command) =>
      broker.publish(deviceTopic(site, device, { family: 'cmd' }), command, { qos: 1, retain: false }),
    stop: async () => {
      clearInterval(watch);
      await live.stop();
      presence.stop();
      metrics.stop();
      await broker.stop();
      await writer?.stop();
      await http.close();
      store.close();
      log.info('hub stopped');
    },
  };
}
