import { join } from 'node:path';
import { SimulatedCommune } from '../../../simulators/src/commune.ts';
import { loadSiteConfig, localTime, type SiteConfig, startOfLocalDay } from '../config/index.ts';
import {
  bilingual,
  boardUrls,
  DemoClock,
  type DemoStatus,
  demoStart,
  isLoopbackOnly,
  latestStoredMs,
  momentText,
  Narrator,
  OfficeDayPlayer,
  reachableHosts,
  writeDemoSchedule,
} from '../demo/index.ts';
import { HubError } from '../errors.ts';
import { both } from '../i18n/index.ts';
import { type Hub, storePath } from '../main.ts';
import { loadSettings } from '../settings.ts';
import { PROJECT_ROOT } from '../version.ts';
import { bootHub, stopOnSignal } from './hub.ts';
import { provisionSimulatedCommune } from './simulate.ts';

const DEMO_LEADER = 'demo-lanh-dao';
const DEFAULT_HTTP_PORT = 8080;
/** One real second is one office minute: a working day in about ten minutes. */
const DEFAULT_SPEED = 60;
/** Long enough for every simulated device to connect on a busy Pi; one that has not goes on trying. */
const DEVICES_CONNECT_WAIT_MS = 30_000;
/** Often enough that each desk's presence follows its schedule to within a quarter of a demo minute. */
const TICK_MS = 250;

/**
 * `thanthien demo` / `npm run demo`: the hub plus a simulated commune playing office days on the
 * demo's own clock, so that the counter works at any hour (ratings count, desks are staffed and
 * empty) and says what it is doing.
 */
export async function demoCommand(): Promise<void> {
  // The demo's data carry demo-clock times: they live apart from a real hub's unless told.
  // It runs on its own clock, its speakers beside the hub: the radio trusts that clock and they
  // download over loopback.
  const env = {
    ...process.env,
    TT_DATA_DIR: process.env.TT_DATA_DIR || join(PROJECT_ROOT, 'data-demo'),
    TT_RADIO_CLOCK: process.env.TT_RADIO_CLOCK || 'trust',
    TT_HTTP_PUBLIC_URL:
      process.env.TT_HTTP_PUBLIC_URL || `http://127.0.0.1:${process.env.TT_HTTP_PORT || DEFAULT_HTTP_PORT}`,
  };
  const settings = loadSettings(env);
  const config = loadSiteConfig(settings.configPath);
  // Start after whatever an earlier run stored: the hub keeps timelines in event time.
  const clock = new DemoClock({
    calendar: config,
    speed: demoSpeed(process.env.TT_DEMO_SPEED),
    startMs: demoStart(config, Date.now(), latestStoredMs(storePath(settings.dataDir))),
  });
  const now = () => clock.now();
  const hub = await bootHub({ now, settings });
  const devices = await provisionSimulatedCommune(hub.devices, hub.config);

  console.log(
    both('demo.board', { urls: boardUrls(reachableHosts(settings.host), hub.httpPort).join(', ') }),
  );
  if (isLoopbackOnly(settings.host)) console.log(both('demo.boardLocalOnly', { host: settings.host }));
  if (hub.users.get(DEMO_LEADER)) {
    console.log(both('demo.loginKept', { name: DEMO_LEADER, dir: settings.dataDir }));
  } else {
    const { password } = await hub.users.add({ name: DEMO_LEADER, role: 'leader' });
    console.log(both('demo.login', { name: DEMO_LEADER, password }));
  }
  // The day starts once the programs are written (speech takes seconds on a Pi) and the devices
  // are connected: started earlier, a slow machine would miss the first bulletin while getting ready.
  const timezone = hub.config.site.timezone;
  let radio: string;
  try {
    const firstDay = localTime(timezone, new Date(clock.nowMs())).date;
    const zones = hub.config.zones.map((z) => z.id);
    const programs = await writeDemoSchedule(hub.programs, zones, firstDay);
    radio = both('demo.radio', { programs, zones: zones.length });
  } catch (err) {
    // Speech needs espeak-ng (README); the counter plays on without the radio.
    radio = both('demo.radioFailed', { reason: (err as Error).message });
  }
  const commune = new SimulatedCommune({
    url: `mqtt://127.0.0.1:${hub.mqttPort}`,
    site: hub.config.site.code,
    devices,
    clock: now,
    speed: clock.speed,
  });
  commune.start();
  await commune.connected(DEVICES_CONNECT_WAIT_MS);
  clock.start();
  console.log(
    bilingual('demo.playing', (lang) => ({
      speed: clock.speed,
      now: momentText(timezone, clock.nowMs(), lang),
    })),
  );
  console.log(both('demo.scene'));
  console.log(radio);

  const player = new OfficeDayPlayer({
    commune,
    calendar: hub.config,
    scale: hub.config.rating.scale,
    clock: now,
  });
  const narrator = new Narrator({
    timezone,
    hours: officeHours(hub.config),
    clock: now,
    status: (atMs) => status(hub, atMs),
    print: (line) => console.log(line),
  });
  const timer = setInterval(() => {
    player.tick();
    narrator.tick();
  }, TICK_MS);
  stopOnSignal(hub, () => {
    clearInterval(timer);
    // As a power cut would: the links stay away, and the hub closes while they do.
    commune.cutAll();
  });
}

/** TT_DEMO_SPEED: demo time per real time during a shown working day. */
function demoSpeed(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_SPEED;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed < 1 || speed > 3600)
    throw new HubError(
      'TT_SETTINGS_INVALID',
      `TT_DEMO_SPEED: must be a number from 1 to 3600, not "${text}"`,
    );
  return speed;
}

function officeHours(config: SiteConfig): string {
  return config.office_hours.sessions.map((s) => `${s.start}–${s.end}`).join(', ');
}

function status(hub: Hub, atMs: number): DemoStatus {
  const timezone = hub.config.site.timezone;
  const today = startOfLocalDay(timezone, localTime(timezone, new Date(atMs)).date).getTime();
  const ratings = hub.ratings.indicators({ fromMs: today, toMs: atMs + 1 });
  return {
    staffed: hub.presence.current().filter((desk) => desk.state === 'present').length,
    desks: hub.config.desks.length,
    rated: ratings.rated,
    unsatisfied: ratings.unsatisfied,
    flagged: ratings.flagged,
  };
}
