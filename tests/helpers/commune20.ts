import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DeviceLink } from '../../firmware/src/link/index.ts';
import { loadSiteConfig } from '../../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../../hub/src/devices/index.ts';
import { storePath } from '../../hub/src/main.ts';
import { openStore } from '../../hub/src/store/index.ts';
import { EXAMPLE_CONFIG } from './hub.ts';
import { type HubProcess, hubEnv, hubProcess } from './hub-process.ts';
import { type Influxd, startInfluxd } from './influxd.ts';

const T0 = Date.UTC(2026, 10, 16, 0, 30); // Monday 07:30 in Hà Nội

export type Commune20 = {
  dir: string;
  /** A device link per rating box, each with its own clock from Monday 16/11/2026 07:30 on. */
  links: (options?: { inflight?: number }) => DeviceLink[];
  site: string;
  env: Record<string, string>;
  influxd: Influxd;
  hub: HubProcess;
  /** A rating box per desk, provisioned in the hub's store. */
  devices: Array<{ id: string; secret: string }>;
  officerOf: Map<string, string>;
  /** Points per device in InfluxDB's `rating` measurement. */
  pointsPerDevice: () => Promise<Map<string, number>>;
  close: () => Promise<void>;
};

/**
 * The example commune with `desks` counter desks and a rating box at each, its own store,
 * influxd and hub process (SIGKILL-able): the ground of the durability tests.
 */
export async function startCommune20(desks = 20): Promise<Commune20> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-durable-'));
  const config = parse(readFileSync(EXAMPLE_CONFIG, 'utf8'));
  const officials: Array<{ id: string }> = config.officials;
  config.desks = Array.from({ length: desks }, (_, i) => ({
    id: `quay-${i + 1}`,
    name: `Quầy ${i + 1}`,
    field: 'Một cửa',
    officer: officials[i % officials.length]!.id,
  }));
  const configPath = join(dir, 'site.yaml');
  writeFileSync(configPath, stringify(config));
  const site = loadSiteConfig(configPath);
  const officerOf = new Map(site.desks.map((d) => [d.id, d.officer]));
  const store = openStore(storePath(dir));
  const registry = new DeviceRegistry(store);
  const devices: Array<{ id: string; secret: string }> = [];
  for (let i = 0; i < desks; i++) {
    const id = `btn-quay-${i + 1}`;
    const desk = `quay-${i + 1}`;
    devices.push({
      id,
      secret: (await registry.add({ id, kind: 'rating-button', desk }, placementOf(site))).secret,
    });
  }
  const probe = {
    id: 'btn-probe',
    secret: (
      await registry.add({ id: 'btn-probe', kind: 'rating-button', desk: 'quay-1' }, placementOf(site))
    ).secret,
  };
  store.close();
  let influxd: Influxd | undefined;
  let hub: HubProcess | undefined;
  try {
    influxd = await startInfluxd();
    const env = await hubEnv(configPath, dir, influxd.url);
    hub = hubProcess(env, probe);
    await hub.start();
    return commune({ dir, site: site.site.code, env, influxd, hub, devices, officerOf });
  } catch (err) {
    // A start that failed half way must not leave its hub, influxd or folder behind.
    await hub?.stop();
    await influxd?.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function commune(parts: Omit<Commune20, 'pointsPerDevice' | 'links' | 'close'>): Commune20 {
  const { dir, site, env, influxd, hub, devices } = parts;
  return {
    ...parts,
    links: (options = {}) =>
      devices.map(({ id, secret }, i) => {
        // Each box's clock moves 1 s per reading: distinct times per box, so one point per rating.
        let ticks = 0;
        return new DeviceLink({
          url: `mqtt://127.0.0.1:${env.TT_MQTT_PORT}`,
          site,
          id,
          secret,
          kind: 'rating-button',
          fw: 'test',
          reconnectPeriodMs: 100,
          clock: () => new Date(T0 + i + 1000 * ticks++),
          ...options,
        });
      }),
    pointsPerDevice: async () => {
      const rows = await influxd
        .query('SELECT COUNT("score") AS n FROM "rating" GROUP BY "device"')
        .catch(() => []);
      return new Map(rows.map((r) => [String(r.device), Number(r.n)]));
    },
    close: async () => {
      await hub.stop();
      await influxd.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
