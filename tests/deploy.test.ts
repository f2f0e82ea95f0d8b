import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DATASOURCE } from '../dashboards/src/common.ts';
import { DASHBOARDS } from '../dashboards/src/index.ts';

// The systemd units in deploy/systemd: `systemd-analyze verify` accepts each one, with the project
// where the units expect /opt/thanthien, and every program a unit starts is one the build makes.

const UNITS = resolve('deploy/systemd');
const work = mkdtempSync(join(tmpdir(), 'tt-units-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const units = readdirSync(UNITS).filter((name) => name.endsWith('.service'));

describe('systemd units (deploy/systemd)', () => {
  it('has the hub and every device program', () => {
    expect(units.sort()).toEqual([
      'thanthien-presence-sensor.service',
      'thanthien-rating-button.service',
      'thanthien-speaker.service',
      'thanthien.service',
    ]);
  });

  for (const name of units) {
    it(`${name}: systemd-analyze verify says nothing against it`, () => {
      const env = join(work, 'thanthien.env');
      writeFileSync(env, 'TT_DATA_DIR=/var/lib/thanthien\n');
      const unit = readFileSync(join(UNITS, name), 'utf8')
        .replaceAll('/opt/thanthien', resolve('.'))
        .replaceAll('/etc/thanthien/thanthien.env', env);
      const path = join(work, name);
      writeFileSync(path, unit);
      const verify = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
      // Unknown or misspelt keys are only warnings: any word from verify fails the test.
      expect(`${verify.stdout}${verify.stderr}`.trim()).toBe('');
      expect(verify.status).toBe(0);
    });

    it(`${name}: runs as its own user, hardened, restarted on failure, on a program the build makes`, () => {
      const unit = readFileSync(join(UNITS, name), 'utf8');
      for (const line of [
        'User=thanthien',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        'ReadWritePaths=/var/lib/thanthien',
        'Restart=on-failure',
        'CapabilityBoundingSet=',
      ]) {
        expect(unit).toContain(`\n${line}\n`);
      }
      const script = /dist\/(\S+)\.js/.exec(unit)![1]!;
      expect(existsSync(`${script}.ts`), `${script}.ts, compiled to dist/${script}.js`).toBe(true);
    });
  }
});

// docker-compose.yml and Grafana's provisioning: `docker-compose config` accepts the file (no engine
// needed), every image is pinned, every service restarts, checks its health and keeps its data in
// a volume, and what Grafana is given to read exists and fits together.

function composeConfig(env: Record<string, string>) {
  const run = spawnSync('docker-compose', ['config'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A service's mounts as `docker-compose config` prints them (`source:target:mode`). */
function mountsOf(service: Record<string, unknown>) {
  return (service.volumes as string[]).map((v) => {
    const [source, target] = v.split(':') as [string, string];
    return { source, target, named: !source.startsWith('/') };
  });
}

describe('docker-compose.yml', () => {
  const valid = composeConfig({ GRAFANA_ADMIN_PASSWORD: 'mat-khau-thu' });
  const config = parse(valid.stdout) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };

  it('is valid for docker-compose config', () => {
    expect(valid.stderr.trim()).toBe('');
    expect(valid.status).toBe(0);
    expect(Object.keys(config.services).sort()).toEqual(['grafana', 'hub', 'influxdb']);
  });

  it('refuses to start Grafana without an admin password of yours', () => {
    const run = composeConfig({});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('GRAFANA_ADMIN_PASSWORD');
  });

  it('pins every image, restarts every service, checks its health and keeps its data in a volume', () => {
    for (const [name, service] of Object.entries(config.services)) {
      if (name !== 'hub') expect(String(service.image), name).toMatch(/^[\w./-]+:\d+\.\d+\.\d+$/);
      expect(service.restart, name).toBe('unless-stopped');
      expect((service.healthcheck as { test: string[] }).test[0], name).toBe('CMD');
      const named = mountsOf(service).filter((m) => m.named);
      expect(named.length, `${name} keeps its data in a named volume`).toBe(1);
      expect(Object.keys(config.volumes)).toContain(named[0]!.source);
    }
  });

  it('mounts into Grafana the provisioning and the dashboards, which exist and fit together', () => {
    const grafana = config.services.grafana!;
    const mounts = Object.fromEntries(mountsOf(grafana).map((m) => [m.target, m.source]));
    const datasourceDir = mounts['/etc/grafana/provisioning/datasources']!;
    const providerDir = mounts['/etc/grafana/provisioning/dashboards']!;
    const [datasourceFile] = readdirSync(datasourceDir);
    const datasources = parse(readFileSync(join(datasourceDir, datasourceFile!), 'utf8')).datasources;
    expect(datasources).toHaveLength(1);
    const datasource = datasources[0];
    expect(datasource).toMatchObject({
      type: 'influxdb',
      uid: DATASOURCE.uid,
      jsonData: { version: 'InfluxQL' },
    });
    // The URL comes from Grafana's environment, set by compose.
    const urlVariable = /^\$\{(\w+)\}$/.exec(datasource.url)![1]!;
    expect((grafana.environment as Record<string, string>)[urlVariable]).toBe('http://influxdb:8086');

    const [providerFile] = readdirSync(providerDir);
    const provider = parse(readFileSync(join(providerDir, providerFile!), 'utf8')).providers[0];
    expect(provider).toMatchObject({ type: 'file', allowUiUpdates: false });
    const dashboardsDir = mounts[provider.options.path]!;
    expect(dashboardsDir, 'the provider reads where dashboards/ is mounted').toBe(resolve('dashboards'));
    for (const { file } of DASHBOARDS) {
      const json = readFileSync(join(dashboardsDir, file), 'utf8');
      // Every panel and variable asks the provisioned data source.
      for (const [, uid] of json.matchAll(/"uid": "([^"]+)"/g))
        if (uid !== JSON.parse(json).uid) expect(uid, file).toBe(DATASOURCE.uid);
    }

    const env = grafana.environment as Record<string, string>;
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(env.GF_USERS_ALLOW_SIGN_UP).toBe('false');
    expect(env.GF_USERS_AUTO_ASSIGN_ORG_ROLE).toBe('Viewer');
    const home = env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(existsSync(join(dashboardsDir, home.slice(provider.options.path.length + 1))), home).toBe(true);
  });

  it('points the hub at the InfluxDB service and trusts the host clock for the radio', () => {
    const hub = config.services.hub!.environment as Record<string, string>;
    expect(hub.TT_INFLUX_URL).toBe('http://influxdb:8086/thanthien');
    expect(hub.TT_RADIO_CLOCK).toBe('trust');
  });
});
