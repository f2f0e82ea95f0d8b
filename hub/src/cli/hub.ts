import { both } from '../i18n/index.ts';
import { createLogger } from '../log.ts';
import { type Hub, startHub } from '../main.ts';
import { loadSettings } from '../settings.ts';

/** `thanthien hub` / `npm start`: run until SIGINT or SIGTERM, then stop cleanly. */
export async function hubCommand(): Promise<void> {
  const hub = await bootHub();
  stopOnSignal(hub, () => {});
}

/** Start the hub from the environment; `now` is its clock (the demo plays an office day on its own). */
export async function bootHub(options: { now?: () => Date } = {}): Promise<Hub> {
  const settings = loadSettings(process.env);
  const hub = await startHub(settings, createLogger(settings.logLevel), options.now);
  console.error(both('hub.started', { mqtt: hub.mqttPort, http: hub.httpPort }));
  return hub;
}

export function stopOnSignal(hub: Hub, before: () => void): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
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
}
