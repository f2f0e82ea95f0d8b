import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { placementOf } from '../../hub/src/devices/index.ts';
import { createLogger } from '../../hub/src/log.ts';
import { type Hub, startHub } from '../../hub/src/main.ts';
import { loadSettings } from '../../hub/src/settings.ts';
import { SESSION_COOKIE } from '../../hub/src/users/index.ts';
import { freePort } from './net.ts';

export const EXAMPLE_CONFIG = resolve('provisioning/site.example.yaml');

/** Log lines the hub wrote, parsed, for tests that check what was logged. */
export type LogLines = Array<Record<string, unknown> & { msg: string }>;

export type TestHub = Hub & { dataDir: string; logs: LogLines; url: string; close: () => Promise<void> };

/**
 * A real hub on free loopback ports with a fresh data directory; close() removes everything.
 * `now` is the hub's clock, for tests that play a day faster than it passes.
 */
export async function startTestHub(env: Record<string, string> = {}, now?: () => Date): Promise<TestHub> {
  // A caller that brings its own data directory (to restart a hub on it) also removes it.
  const ownsDataDir = env.TT_DATA_DIR === undefined;
  const dataDir = env.TT_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tt-hub-'));
  const settings = loadSettings({
    TT_CONFIG: EXAMPLE_CONFIG,
    TT_HOST: '127.0.0.1',
    TT_MQTT_PORT: '0',
    TT_HTTP_PORT: '0',
    TT_LOG_LEVEL: 'info',
    TT_FLOWS: 'off',
    ...env,
    TT_DATA_DIR: dataDir,
  });
  const logs: LogLines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const hub = await startHub(settings, createLogger(settings.logLevel, sink), now);
  return {
    ...hub,
    dataDir,
    logs,
    url: `mqtt://127.0.0.1:${hub.mqttPort}`,
    close: async () => {
      await hub.stop();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A test hub whose loudspeakers can air: its HTTP port known in advance, so the asset URLs it
 * sends them lead back to it, and the system clock trusted as synchronised.
 */
export async function startRadioHub(now?: () => Date, env: Record<string, string> = {}): Promise<TestHub> {
  const httpPort = await freePort();
  return startTestHub(
    {
      TT_RADIO_CLOCK: 'trust',
      TT_HTTP_PORT: String(httpPort),
      TT_HTTP_PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      ...env,
    },
    now,
  );
}

/**
 * Register a device at a desk of the test hub; what a simulated device needs to connect as it
 * (SimOptions without the clock).
 */
export async function provisionSim(
  hub: TestHub,
  device:
    | { id: string; kind: 'rating-button' | 'presence-sensor'; desk: string }
    | { id: string; kind: 'speaker'; zone: string },
) {
  const { secret } = await hub.devices.add(device, placementOf(hub.config));
  return { url: hub.url, site: hub.config.site.code, id: device.id, secret, fw: 'sim-1.0.0' };
}

/** Log in through the API as a page would: the session cookie, for `hub.http.inject({ cookies })`. */
export async function sessionCookies(
  hub: Pick<TestHub, 'http'>,
  name: string,
  password: string,
): Promise<{ tt_session: string }> {
  const res = await hub.http.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password } });
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error(`login of ${name} failed: ${res.statusCode} ${res.body}`);
  return { tt_session: cookie.value };
}

/** Wait until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
