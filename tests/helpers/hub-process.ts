import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import mqtt from 'mqtt';
import { HUB_ENV, HUB_NODE_FLAGS } from '../../hub/src/runtime.ts';
import { freePort } from './net.ts';
import { stopChild } from './process.ts';

/** The hub as its own process (`thanthien hub`), for tests that kill it with SIGKILL. */
export type HubProcess = {
  start: () => Promise<void>;
  kill: () => Promise<void>;
  stop: () => Promise<void>;
  health: () => Promise<Record<string, unknown>>;
  /** The running hub's process id (for RSS and CPU readings). */
  pid: () => number | undefined;
};

/** The environment of a hub on free loopback ports, with its store in `dataDir`. */
export async function hubEnv(
  config: string,
  dataDir: string,
  influxUrl: string,
): Promise<Record<string, string>> {
  return {
    TT_CONFIG: config,
    TT_DATA_DIR: dataDir,
    TT_HOST: '127.0.0.1',
    TT_MQTT_PORT: String(await freePort()),
    TT_HTTP_PORT: String(await freePort()),
    TT_INFLUX_URL: `${influxUrl}/thanthien`,
  };
}

export function hubProcess(env: Record<string, string>, probe: { id: string; secret: string }): HubProcess {
  let child: ChildProcess | undefined;
  const exit = (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    return stopChild(running, 10_000, signal);
  };
  return {
    start: async () => {
      child = spawn(process.execPath, [...HUB_NODE_FLAGS, resolve('hub/src/cli/index.ts'), 'hub'], {
        env: { ...process.env, ...HUB_ENV, TT_LOG_LEVEL: 'warn', ...env },
        stdio: 'ignore',
      });
      const deadline = Date.now() + 30_000;
      // Up when a device can connect: the broker serves once the store is open and the hub built.
      for (;;) {
        const up = await mqtt
          .connectAsync(`mqtt://127.0.0.1:${env.TT_MQTT_PORT}`, {
            clientId: probe.id,
            username: probe.id,
            password: probe.secret,
            reconnectPeriod: 0,
            connectTimeout: 1000,
          })
          .then(
            (c) => c.endAsync().then(() => true),
            () => false,
          );
        if (up) return;
        if (child?.exitCode !== null) throw new Error(`hub exited with ${child?.exitCode}`);
        if (Date.now() > deadline) throw new Error('hub did not accept MQTT within 30 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: () => exit('SIGKILL'),
    stop: () => exit('SIGTERM'),
    pid: () => child?.pid,
    health: async () =>
      (await (await fetch(`http://127.0.0.1:${env.TT_HTTP_PORT}/api/v1/health`)).json()) as Record<
        string,
        unknown
      >,
  };
}
