import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type Command, deviceTopic } from '../../protocol/index.ts';
import { Alerts } from './alerts/index.ts';
import {
  Assets,
  ClockSync,
  Contents,
  commandEngine,
  Programs,
  Radio,
  radioCalendar,
} from './broadcasts/index.ts';
import { Broker } from './broker/index.ts';
import { EventBus } from './bus.ts';
import { siteIso, utcOffsetMinutes } from './config/calendar.ts';
import { isOfficeTime, loadSiteConfig, officerAt, type SiteConfig } from './config/index.ts';
import {
  Availability,
  type CredentialSource,
  DeviceAuthenticator,
  DeviceCommands,
  DeviceRegistry,
} from './devices/index.ts';
import { type Feature, startFeatures } from './features.ts';
import { FlowAllowances, FlowsSupervisor, HUB_FLOWS_USER } from './flows/index.ts';
import { BOARD_ROLES, buildHttp, type Health } from './http/index.ts';
import { InfluxHttp, InfluxWriter, parseInfluxUrl, redact } from './influx/index.ts';
import { Ingest, IngestSteps, Outbox, Rejections } from './ingest/index.ts';
import { EventStream, IntegrationRegistry } from './integrations/index.ts';
import { EventLoopDelay, HubMetrics } from './metrics/index.ts';
import { bindPorts } from './ports.ts';
import { Presence } from './presence/index.ts';
import { Ratings } from './ratings/index.ts';
import { LoginThrottle } from './security/index.ts';
import type { Settings } from './settings.ts';
import { claimDataDir, dataVersion, GroupCommit, openStore, type Store } from './store/index.ts';
import { Users } from './users/index.ts';
import { PROJECT_ROOT, VERSION } from './version.ts';
import { deskBoard, LIVE_PATH, LiveFeed, ON_AIR_LIVE_PATH } from './web/index.ts';

export type Hub = {
  config: SiteConfig;
  store: Store;
  devices: DeviceRegistry;
  /** Read-only clients of the hub's event stream (docs/protocol.md). */
  integrations: IntegrationRegistry;
  users: Users;
  ratings: Ratings;
  presence: Presence;
  programs: Programs;
  contents: Contents;
  assets: Assets;
  radio: Radio;
  http: FastifyInstance;
  bus: EventBus;
  mqttPort: number;
  /** MQTT over TLS, when certificates are configured. */
  mqttTlsPort: number | undefined;
  httpPort: number;
  health: () => Health;
  /** Queue the hub's own health point (the `hub` measurement) now, as it does once a minute. */
  sampleHealth: () => void;
  /** Send a command to a device's cmd topic (QoS 1). */
  sendCommand: (device: string, command: Command) => Promise<void>;
  stop: () => Promise<void>;
};

export const storePath = (dataDir: string) => join(dataDir, 'hub.sqlite');

/**
 * The domains that take in device events: devices, outbox, alerts, presence, ratings, rejections
 * and ingest, with the features that register what each does with an event. Part of the
 * composition root, apart so that tests that feed messages straight to `ingest.accept` get the
 * hub's own wiring.
 */
export function buildEventDomains(deps: {
  config: SiteConfig;
  store: Store;
  bus: EventBus;
  log: Logger;
  now: () => Date;
}) {
  const { config, store, bus, log, now } = deps;
  const site = config.site.code;
  const devices = new DeviceRegistry(store, now);
  const availability = new Availability(devices);
  const commits = new GroupCommit(store, log.child({ domain: 'store' }));
  // The registry keeps the rows it read; one read inside a unit that rolled back may be undone.
  commits.onRollback(() => devices.forget());
  const outbox = new Outbox(store, commits);
  const steps = new IngestSteps();
  const alerts = new Alerts(
    store,
    {
      unsatisfiedShare: config.alerts.unsatisfied_share,
      windowMs: config.alerts.unsatisfied_window_min * 60_000,
      minRatings: 5,
    },
    now,
    // Heard by the hub's event stream once the step is durable.
    (id, action) =>
      commits.afterCommit(() => bus.emit('alert.changed', { action, alert: () => alerts.get(id) })),
  );
  const presence = new Presence({
    site,
    db: store,
    commits,
    outbox,
    steps,
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
  const ratings = new Ratings({
    site,
    db: store,
    commits,
    outbox,
    steps,
    isOfficeTime: (at) => isOfficeTime(config, at),
    repeatIntervalMs: config.rating.repeat_interval_s * 1000,
    deskState: (desk, atMs) => presence.stateAt(desk, atMs),
    officerAt: (desk, at) => officerAt(config, desk, at),
    windowMs: alerts.windowMs,
    onCounted: (rating, window) => alerts.onCountedRating(rating, window),
  });
  const rejections = new Rejections(store, log.child({ domain: 'ingest' }), bus);
  const ingest = new Ingest({
    site,
    db: store,
    devices,
    availability,
    outbox,
    rejections,
    steps,
    commits,
    bus,
    log: log.child({ domain: 'ingest' }),
    now,
  });
  // Nobody is connected when the hub starts; the domains register their steps before any message.
  const features: Feature[] = [
    { name: 'availability', start: () => availability.reset(), stop: () => {} },
    { name: 'ratings', start: () => ratings.start(), stop: () => ratings.stop() },
    { name: 'presence', start: () => presence.start(), stop: () => presence.stop() },
    // Stops after the broker: what it took in before it stopped is committed and answered.
    { name: 'group-commit', start: () => {}, stop: () => commits.stop() },
  ];
  return { devices, outbox, steps, commits, alerts, presence, ratings, rejections, ingest, features };
}

/**
 * The composition root: builds every feature from the settings, starts them in order and stops
 * them in reverse. Nothing else reads settings or config. Nothing is written before the hub owns
 * its data directory and its ports: a second hub on the same directory, or a port that is taken,
 * stops the start with a coded error and leaves the running hub's data as it was.
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
  const claim = claimDataDir(settings.dataDir);
  const cleanups: Array<() => void | Promise<void>> = [() => claim.release()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const ports = await bindPorts(settings, config.mqtt_limits.connect_timeout_s * 1000);
    cleanups.push(() => ports.close());
    claim.describe({ http: ports.http.port, mqtt: ports.mqtt.port });
    const store = openStore(storePath(settings.dataDir));
    cleanups.push(() => store.close());
    const hub = await composeHub({ settings, config, store, ports, log, now, startedAt });
    cleanups.push(hub.stopFeatures);
    log.info(
      { site, mqttPort: ports.mqtt.port, httpPort: ports.http.port, ms: Date.now() - startedAt },
      'hub started',
    );
    for (const problem of hub.health().problems) log.warn(problem);
    let stopped = false;
    return {
      ...hub,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await cleanUp();
        log.info('hub stopped');
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

/**
 * The radio: content (uploads and speech), programs and their approval, and the on-air engine
 * that sends speakers their plays once the system clock is synchronised.
 */
function buildRadio(deps: {
  settings: Settings;
  config: SiteConfig;
  store: Store;
  bus: EventBus;
  log: Logger;
  now: () => Date;
  domains: ReturnType<typeof buildEventDomains>;
  send: (device: string, command: Command) => Promise<void>;
}) {
  const { settings, config, store, bus, log, now, domains } = deps;
  const assets = new Assets({
    db: store,
    dir: join(settings.dataDir, 'assets'),
    maxBytes: config.broadcast.max_upload_mb * 1024 * 1024,
    now,
  });
  const contents = new Contents({ assets, engine: commandEngine(config.broadcast.speech) });
  const programs = new Programs({
    db: store,
    commits: domains.commits,
    contents,
    timezone: config.site.timezone,
    zones: config.zones.map((z) => z.id),
    now,
  });
  const clock = new ClockSync(settings.radioClock, log.child({ domain: 'radio' }));
  const radio = new Radio({
    site: config.site.code,
    db: store,
    commits: domains.commits,
    outbox: domains.outbox,
    steps: domains.steps,
    bus,
    calendar: radioCalendar(config),
    approved: () => programs.approved(),
    program: (id) => programs.get(id),
    asset: (content) => contents.asset(content),
    assetUrl: (sha256) => `${settings.httpPublicUrl}/api/v1/assets/${sha256}/file`,
    speakers: () => domains.devices.list().filter((d) => d.kind === 'speaker'),
    send: deps.send,
    now,
    clockSynced: () => clock.synced,
    closeAfterMs: config.broadcast.late_ack_wait_s * 1000,
    log: log.child({ domain: 'radio' }),
  });
  const features: Feature[] = [
    { name: 'clock-sync', start: () => clock.start(), stop: () => clock.stop() },
    { name: 'radio', start: () => radio.start(), stop: () => radio.stop() },
  ];
  return { assets, contents, programs, radio, features };
}

type Composition = {
  settings: Settings;
  config: SiteConfig;
  store: Store;
  ports: Awaited<ReturnType<typeof bindPorts>>;
  log: Logger;
  now: () => Date;
  startedAt: number;
};

/** Every feature of the hub, built and started in order on a claimed directory and bound ports. */
async function composeHub(
  c: Composition,
): Promise<Omit<Hub, 'stop'> & { stopFeatures: () => Promise<void> }> {
  const { settings, config, store, ports, log, now, startedAt } = c;
  const site = config.site.code;
  const bus = new EventBus(log);
  const users = new Users(store);
  const domains = buildEventDomains({ config, store, bus, log, now });
  const { devices, outbox, alerts, presence, ratings, rejections, ingest } = domains;
  const integrations = new IntegrationRegistry(store, now);
  // One namespace of client ids: a device, else an integration that only reads events.
  const credentials: CredentialSource = (id) => {
    const device = devices.credentials(id);
    if (device) return { ...device, kind: 'device' };
    const integration = integrations.credentials(id);
    return integration && { ...integration, kind: 'integration' };
  };
  const deviceAuth = new DeviceAuthenticator(credentials);
  const eventStream = new EventStream({
    site,
    outbox,
    bus,
    publish: (topic, body) => broker.publish(topic, body, { qos: 1, retain: false }),
    log: log.child({ domain: 'event-stream' }),
  });
  const broker = new Broker({
    site,
    version: VERSION,
    auth: deviceAuth,
    onIntegrations: (connected) => eventStream.listeners(connected),
    ingest,
    rejections,
    limits: config.mqtt_limits,
    log: log.child({ domain: 'broker' }),
  });
  const sendCommand = (device: string, command: Command) =>
    broker.publish(deviceTopic(site, device, { family: 'cmd' }), command, { qos: 1, retain: false });
  const commands = new DeviceCommands({
    steps: domains.steps,
    device: (id) => devices.get(id),
    send: sendCommand,
    now: () => Date.now(),
  });
  const radioParts = buildRadio({ settings, config, store, bus, log, now, domains, send: sendCommand });
  const { programs, contents, assets, radio } = radioParts;

  const influxTarget = settings.influxUrl ? parseInfluxUrl(settings.influxUrl) : undefined;
  const writer = influxTarget
    ? new InfluxWriter({
        outbox,
        influx: new InfluxHttp(influxTarget),
        utcOffsetMin: utcOffsetMinutes(config.site.timezone, now()),
        log: log.child({ domain: 'influx' }),
      })
    : undefined;

  const metrics = new HubMetrics(
    {
      site,
      outbox,
      accepted: () => ingest.stats().accepted,
      rejected: () => rejections.counts().total,
      now: () => now().getTime(),
    },
    settings.healthPointEveryS * 1000,
  );

  const flows =
    settings.flowsPort === undefined
      ? undefined
      : new FlowsSupervisor({
          dataDir: settings.dataDir,
          host: settings.host,
          port: settings.flowsPort,
          hubUrl: `http://${loopbackOf(settings.host)}:${ports.http.port}`,
          timezone: config.site.timezone,
          paletteDir: join(PROJECT_ROOT, 'palette'),
          events: {
            site,
            mqttUrl: `mqtt://${loopbackOf(settings.host)}:${ports.mqtt.port}`,
            credentials: async () => {
              if (devices.get(HUB_FLOWS_USER)) {
                log.warn(
                  { id: HUB_FLOWS_USER },
                  'a device has the flows client id: flows get no event credentials',
                );
                return undefined;
              }
              const { integration, secret } = await integrations.replace(HUB_FLOWS_USER);
              return { id: integration.id, secret };
            },
          },
          api: {
            credentials: async () => {
              // A new password at each start, given to the flows process only.
              const password = randomBytes(24).toString('base64url');
              const existing = users.get(HUB_FLOWS_USER);
              // Never a person's account, whatever its name: only the hub's own flows user.
              if (existing && existing.role !== 'flows') {
                log.warn(
                  { user: HUB_FLOWS_USER },
                  'a user of another role has the flows user name: flows get no API user',
                );
                return undefined;
              }
              if (existing) await users.setPassword(HUB_FLOWS_USER, password);
              else await users.add({ name: HUB_FLOWS_USER, role: 'flows', password });
              return { user: HUB_FLOWS_USER, password };
            },
          },
          log: log.child({ domain: 'flows' }),
        });

  const eventLoop = new EventLoopDelay();
  const health = (): Health => {
    const backlog = outbox.backlog();
    const written = writer?.status();
    const mqtt = broker.status();
    const problems: string[] = [];
    if (!mqtt.running) problems.push('the MQTT broker is not running: devices cannot connect');
    if (!influxTarget) {
      problems.push('InfluxDB is not configured (TT_INFLUX_URL): events wait in the outbox');
    } else if (written?.failing_since) {
      problems.push(
        `InfluxDB unreachable since ${written.failing_since} (${written.last_error}): ${backlog} points wait in the outbox`,
      );
    }
    // Only a hub with speakers needs its radio armed.
    if (!radio.armed && devices.list().some((d) => d.kind === 'speaker' && !d.revokedAt)) {
      problems.push(
        'the radio is not armed: the system clock is not known to be synchronised (TT_RADIO_CLOCK); no program airs',
      );
    }
    return {
      status: problems.length === 0 ? 'ok' : 'degraded',
      problems,
      version: VERSION,
      site,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      mqtt,
      store: { outbox_backlog: backlog },
      influx: influxTarget
        ? { configured: true, url: redact(influxTarget.url.toString()), ...written }
        : { configured: false },
      ingest: { ...ingest.stats(), events_per_s: metrics.eventsPerS },
      rejected: rejections.counts(),
      refused: broker.refused(),
      rss_mb: Math.round(process.memoryUsage.rss() / 1048576),
      event_loop: eventLoop.read(),
      radio: { armed: radio.armed, on_air: radio.onAirNow().length },
      flows: flows?.health() ?? { running: false, off: true },
    };
  };

  const board = () => deskBoard({ config, presence, ratings, alerts, now });
  const http = buildHttp(
    {
      config,
      users,
      devices,
      commands,
      flowAllowances: new FlowAllowances(store, now),
      mqttPublicUrl: settings.mqttPublicUrl,
      credentialsChanged: () => broker.enforceCredentials(),
      throttle: { user: new LoginThrottle(), address: new LoginThrottle({ freeFailures: 30 }) },
      health,
      ratings,
      alerts,
      presence,
      deskBoard: board,
      radio: {
        assets,
        contents,
        programs,
        engine: radio,
        maxUploadBytes: assets.maxBytes,
        authenticate: (id, secret) => deviceAuth.check(id, secret),
      },
      now,
      timezone: config.site.timezone,
      secureCookies: false,
    },
    log,
  );
  const live = new LiveFeed({
    path: LIVE_PATH,
    server: ports.http.server,
    bus,
    sessionUser: (token) => users.sessionUser(token),
    roles: BOARD_ROLES,
    snapshot: board,
    triggers: ['desk.changed', 'event.accepted', 'device.online', 'device.offline'],
    // Alerts handled elsewhere, a new minute, a new day.
    refreshMs: 5_000,
    // The clock alone is no change worth a push.
    key: (snapshot) => ({ ...snapshot, server_time: null }),
    log: log.child({ domain: 'web' }),
  });
  // What each zone airs: it changes at the edges of airings, which a look each second finds.
  const onAirLive = new LiveFeed({
    path: ON_AIR_LIVE_PATH,
    server: ports.http.server,
    bus,
    sessionUser: (token) => users.sessionUser(token),
    roles: ['admin', 'leader', 'operator', 'technician'],
    snapshot: () => ({ at: siteIso(config.site.timezone, now().getTime()), zones: radio.onAirNow() }),
    triggers: [],
    refreshMs: 1_000,
    key: ({ zones }) => zones.map(({ offset_s: _, ...zone }) => zone),
    log: log.child({ domain: 'web' }),
  });
  // The CLI revokes and rotates by writing to the store; the hub notices the commit and closes
  // connections whose credentials are no longer valid.
  let watch: NodeJS.Timeout | undefined;
  const credentialWatch: Feature = {
    name: 'credential-watch',
    start: () => {
      let seenVersion = dataVersion(store);
      watch = setInterval(() => {
        const version = dataVersion(store);
        if (version === seenVersion) return;
        seenVersion = version;
        devices.forget();
        broker.enforceCredentials();
      }, 500);
      watch.unref();
    },
    stop: () => clearInterval(watch),
  };

  const features: Feature[] = [
    ...domains.features,
    ...(writer ? [{ name: 'influx-writer', start: () => writer.start(), stop: () => writer.stop() }] : []),
    { name: 'metrics', start: () => metrics.start(), stop: () => metrics.stop() },
    { name: 'event-stream', start: () => eventStream.start(), stop: () => eventStream.stop() },
    { name: 'device-commands', start: () => commands.start(), stop: () => commands.stop() },
    {
      name: 'broker',
      start: () => broker.start({ mqtt: ports.mqtt, mqttTls: ports.mqttTls, http: ports.http.server }),
      stop: () => broker.stop(),
    },
    {
      name: 'http',
      start: async () => {
        await http.ready();
        ports.http.serve((req, res) => http.routing(req, res));
      },
      stop: () => http.close(),
    },
    // After the HTTP API: the flows editor logs in through it.
    ...(flows ? [{ name: 'flows', start: () => flows.start(), stop: () => flows.stop() }] : []),
    { name: 'desk-board-live', start: () => live.start(), stop: () => live.stop() },
    { name: 'on-air-live', start: () => onAirLive.start(), stop: () => onAirLive.stop() },
    credentialWatch,
    // After the broker: it sends commands as soon as it runs.
    ...radioParts.features,
    // Last: what it measures is the hub at work, not its own start.
    { name: 'event-loop-delay', start: () => eventLoop.start(), stop: () => eventLoop.stop() },
  ];
  const stopFeatures = await startFeatures(features, log);

  return {
    config,
    store,
    devices,
    integrations,
    users,
    ratings,
    presence,
    programs,
    contents,
    assets,
    radio,
    http,
    bus,
    mqttPort: ports.mqtt.port,
    mqttTlsPort: ports.mqttTls?.port,
    httpPort: ports.http.port,
    health,
    sampleHealth: () => metrics.sample(),
    sendCommand,
    stopFeatures,
  };
}

/** Where a process on this machine reaches a server that listens on `host`. */
const loopbackOf = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
