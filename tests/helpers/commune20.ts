import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadSiteConfig } from '../../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../../hub/src/devices/index.ts';
import { storePath } from '../../hub/src/main.ts';
import { openStore } from '../../hub/src/store/index.ts';
import { EXAMPLE_CONFIG } from './hub.ts';
import { type HubProcess, hubEnv, hubProcess } from './hub-process.ts';
import { type Influxd, startInfluxd } from './influxd.ts';

export type Commune20 = {
  dir: string;
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
  const influxd = await startInfluxd();
  const env = await hubEnv(configPath, dir, influxd.url);
  const hub = hubProcess(env, probe);
  await hub.start();
  return {
    dir,
    site: site.site.code,
    env,
    influxd,
    hub,
    devices,
    officerOf,
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
