/**
 * Start-up and idle memory of the hub, beside Mosquitto (the broker a commune would otherwise run):
 * - time from `npm start` (and from `node … hub`) to the first accepted MQTT connection;
 * - resident memory with 50 connected devices, idle.
 * Absolute times on a shared machine are noisy: we report medians of several runs and ratios.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import { storePath } from '../hub/src/main.ts';
import { HUB_ENV, HUB_NODE_FLAGS } from '../hub/src/runtime.ts';
import { openStore } from '../hub/src/store/index.ts';
import { freePort } from '../tests/helpers/net.ts';
import { stopChild } from '../tests/helpers/process.ts';
import { rssMb } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DEVICES = 50;
const CONFIG = resolve('provisioning/site.example.yaml');

type Device = { id: string; secret: string };

async function provision(dataDir: string): Promise<Device[]> {
  const config = loadSiteConfig(CONFIG);
  const store = openStore(storePath(dataDir));
  const registry = new DeviceRegistry(store);
  const placement = placementOf(config);
  const devices: Device[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const id = `bench-${String(i).padStart(2, '0')}`;
    const { secret } = await registry.add(
      { id, kind: 'rating-button', desk: placement.desks[i % placement.desks.length]! },
      placement,
    );
    devices.push({ id, secret });
  }
  store.close();
  return devices;
}

async function connectOnce(port: number, device: Device | undefined): Promise<boolean> {
  try {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: device?.id ?? `probe-${process.pid}`,
      username: device?.id,
      password: device?.secret,
      reconnectPeriod: 0,
      connectTimeout: 2000,
    });
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds from spawning `command` until an MQTT connection is accepted on `port`. */
async function timeToAccept(
  start: () => ChildProcess,
  port: number,
  device: Device | undefined,
): Promise<{ ms: number; child: ChildProcess }> {
  const t0 = performance.now();
  const child = start();
  for (;;) {
    if (await connectOnce(port, device)) return { ms: performance.now() - t0, child };
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** RSS of the process (and its children: npm start runs node under npm) with 50 idle clients. */
async function rssWith50(child: ChildProcess, port: number, devices: Device[] | undefined): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: DEVICES }, (_, i) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: devices?.[i]?.id ?? `idle-${i}`,
        username: devices?.[i]?.id,
        password: devices?.[i]?.secret,
        reconnectPeriod: 0,
        keepalive: 30,
      }),
    ),
  );
  await new Promise((r) => setTimeout(r, 5000)); // settle: GC, timers
  const rss = rssMb(child.pid!);
  await Promise.all(clients.map((c) => c.endAsync()));
  return rss;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function startCommand(name: string, env: NodeJS.ProcessEnv, port: number): () => ChildProcess {
  if (name === 'hub via npm start')
    return () => spawn('npm', ['start', '--silent'], { env, stdio: 'ignore' });
  if (name === 'hub via node')
    return () =>
      spawn(process.execPath, [...HUB_NODE_FLAGS, 'hub/src/cli/index.ts', 'hub'], {
        env: { ...env, ...HUB_ENV },
        stdio: 'ignore',
      });
  if (name.startsWith('hub via node, compiled')) {
    return () =>
      spawn(process.execPath, [...HUB_NODE_FLAGS, 'dist/hub/src/cli/index.js', 'hub'], {
        env: { ...env, ...HUB_ENV },
        stdio: 'ignore',
      });
  }
  const dir = env.TT_DATA_DIR!;
  // Run as the bench's own user: mosquitto started as root drops to "mosquitto", which cannot
  // read the private temp dir.
  const auth = name.includes('password')
    ? `allow_anonymous false\npassword_file ${join(dir, 'mosquitto.passwd')}\n`
    : 'allow_anonymous true\n';
  return () => {
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      `user ${userInfo().username}\nlistener ${port} 127.0.0.1\n${auth}persistence false\n`,
    );
    return spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  };
}

export async function benchStartup(): Promise<Record<string, { startMs: number; rssMb: number }>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tt-bench-'));
  const devices = await provision(dataDir);
  const results: Record<string, { starts: number[]; rss: number[] }> = {
    'hub via npm start': { starts: [], rss: [] },
    'hub via node': { starts: [], rss: [] },
    'hub via node, compiled (dist/)': { starts: [], rss: [] },
    'mosquitto 2 (no auth)': { starts: [], rss: [] },
    'mosquitto 2 (password file, 50 users)': { starts: [], rss: [] },
  };
  // The same 50 device credentials for Mosquitto, hashed by its own tool.
  const passwords = join(dataDir, 'mosquitto.passwd');
  writeFileSync(passwords, '');
  for (const d of devices) execFileSync('mosquitto_passwd', ['-b', passwords, d.id, d.secret]);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const name of Object.keys(results)) {
        const port = await freePort();
        const env = {
          ...process.env,
          TT_CONFIG: CONFIG,
          TT_DATA_DIR: dataDir,
          TT_HOST: '127.0.0.1',
          TT_MQTT_PORT: String(port),
          TT_HTTP_PORT: String(await freePort()),
          TT_LOG_LEVEL: 'warn',
        };
        const start = startCommand(name, env, port);
        const authenticated = !name.includes('no auth');
        const device = authenticated ? devices[run % devices.length] : undefined;
        const { ms, child } = await timeToAccept(start, port, device);
        results[name]!.starts.push(ms);
        // npm start's own pid is npm; measure memory on the direct runs only.
        if (name !== 'hub via npm start') {
          results[name]!.rss.push(await rssWith50(child, port, authenticated ? devices : undefined));
        }
        await stopChild(child);
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      name,
      { startMs: median(r.starts), rssMb: r.rss.length ? median(r.rss) : Number.NaN },
    ]),
  );
}
