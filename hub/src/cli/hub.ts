import { both } from '../i18n/index.ts';
import { createLogger } from '../log.ts';
import { type Hub, startHub } from '../main.ts';
import { loadSettings, type Settings } from '../settings.ts';
import { parentAtStart } from './parent.ts';

/** How often a hub started by an npm script checks that npm is still there. */
const PARENT_CHECK_MS = 1_000;

/** `thanthien hub` / `npm start`: run until SIGINT or SIGTERM, then stop cleanly. */
export async function hubCommand(): Promise<void> {
  const hub = await bootHub();
  stopOnSignal(hub, () => {});
}

/** Start the hub from the environment; `now` is its clock (the demo plays an office day on its own). */
export async function bootHub(options: { now?: () => Date; settings?: Settings } = {}): Promise<Hub> {
  const settings = options.settings ?? loadSettings(process.env);
  const hub = await startHub(settings, createLogger(settings.logLevel), options.now);
  console.error(both('hub.started', { mqtt: hub.mqttPort, http: hub.httpPort }));
  return hub;
}

/**
 * Stop cleanly on SIGINT or SIGTERM, and, when an npm script (or bin/thanthien.mjs) started the
 * hub, when that go-between goes away:
 * `kill <npm>` (or a SIGKILL that npm cannot pass on) must not leave an orphan hub holding the
 * ports and the data directory.
 */
export function stopOnSignal(hub: Hub, before: () => void): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(parentWatch);
    before();
    hub.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Only under npm or the bin launcher: a hub run by systemd or nohup has no go-between to lose.
  const parentWatch =
    process.env.npm_lifecycle_event || process.env.TT_STOP_WITH_PARENT
      ? setInterval(() => {
          if (process.ppid !== parentAtStart) stop();
        }, PARENT_CHECK_MS)
      : undefined;
  parentWatch?.unref();
}
