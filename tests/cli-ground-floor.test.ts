import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimDeviceSpec, SimulatedCommune } from '../simulators/src/commune.ts';
import { SimRatingButton } from '../simulators/src/devices.ts';
import { thanthien } from './helpers/cli.ts';
import { EXAMPLE_CONFIG, provisionSim, startTestHub, type TestHub, until } from './helpers/hub.ts';
import { runProcess } from './helpers/process.ts';

// The CLI as a new technician meets it: help that has no side effects, usage errors that say what
// is missing, simulate that checks before it changes anything, rotate that never un-revokes, user
// accounts that can be listed and recovered, times in the site's zone, secrets kept off the
// working directory.

let hub: TestHub;
let env: Record<string, string>;
let desk: string;

beforeAll(async () => {
  hub = await startTestHub();
  env = { TT_DATA_DIR: hub.dataDir, TT_CONFIG: EXAMPLE_CONFIG, TT_MQTT_PUBLIC_URL: 'mqtt://hub.local:1883' };
  desk = hub.config.desks[0]!.id;
});

afterAll(async () => {
  await hub?.close();
});

describe('--help', () => {
  const commands = [
    ['--help'],
    ['hub', '--help'],
    ['demo', '--help'],
    ['device', '--help'],
    ['device', 'add', '--help'],
    ['device', 'list', '-h'],
    ['device', 'revoke', '--help'],
    ['device', 'rotate', 'x', '--help'],
    ['user', '--help'],
    ['user', 'add', 'someone', '--role', 'leader', '--help'],
    ['user', 'list', '--help'],
    ['user', 'passwd', '--help'],
    ['user', 'remove', '--help'],
    ['simulate', '--help'],
    ['help', 'device', 'add'],
  ];

  it('answers every command and subcommand in Vietnamese then English, and touches nothing', async () => {
    const untouched = join(tmpdir(), `tt-never-${process.pid}`);
    for (const args of commands) {
      const run = await thanthien(args, {
        ...env,
        TT_DATA_DIR: untouched,
        TT_MQTT_PORT: '1',
        TT_HTTP_PORT: '1',
      });
      expect(run.code, args.join(' ')).toBe(0);
      const words = args.filter((a) => !a.startsWith('-') && a !== 'help');
      const named = words[0] === 'device' || words[0] === 'user' ? words.slice(0, 2) : words.slice(0, 1);
      const usage = `thanthien ${named.join(' ')}`.trim();
      expect(run.stdout, args.join(' ')).toContain(`Cách dùng: ${usage}`);
      expect(run.stdout, args.join(' ')).toContain(`Usage: ${usage}`);
      expect(run.stdout.indexOf('Cách dùng')).toBeLessThan(run.stdout.indexOf('Usage'));
    }
    // No hub started (its ports would have been refused), no store, no demo user, no directory.
    expect(existsSync(untouched)).toBe(false);
  });
});

describe('bin/thanthien.mjs on an installed hub', () => {
  it('runs from any folder, on the project Node 24 even under an older system Node', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'tt-elsewhere-'));
    try {
      // The system Node where there is one (Debian's is 20), else this Node 24.
      const nodes = [process.execPath, ...(existsSync('/usr/bin/node') ? ['/usr/bin/node'] : [])];
      for (const node of nodes) {
        const run = await runProcess(node, [resolve('bin/thanthien.mjs'), 'device', 'list', '--json'], {
          env: { ...process.env, ...env },
          cwd: elsewhere,
        });
        expect(run.stderr, node).toBe('');
        expect(
          JSON.parse(run.stdout).map((d: { id: string }) => d.id),
          node,
        ).toEqual(hub.devices.list().map((d) => d.id));
      }
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('usage errors', () => {
  it('say what is missing and where the help is', async () => {
    const noRole = await thanthien(['user', 'add', 'chu-tich'], env);
    expect(noRole.code).toBe(1);
    expect(noRole.stderr).toContain(
      'thiếu --role (admin | leader | operator | technician | flows); xem: thanthien user add --help',
    );
    expect(noRole.stderr).toContain('--role is missing (admin | leader | operator | technician | flows)');
    const noAction = await thanthien(['device'], env);
    expect(noAction.stderr).toContain('action is missing (add | list | revoke | rotate)');
    const unknown = await thanthien(['frobnicate'], env);
    expect(unknown.stderr).toContain(
      'Error [TT_USAGE]: command usage is wrong: unknown command "frobnicate"',
    );
  });
});

describe('thanthien device', () => {
  it('writes the provisioning file under TT_DATA_DIR/provisioning, private, never in the working directory', async () => {
    const run = await thanthien(
      ['device', 'add', 'btn-prov', '--kind', 'rating-button', '--desk', desk],
      env,
    );
    expect(run.code).toBe(0);
    const dir = join(hub.dataDir, 'provisioning');
    const file = join(dir, 'btn-prov.thanthien.json');
    expect(run.stdout).toContain(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ id: 'btn-prov', kind: 'rating-button' });
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(statSync(dir).mode & 0o077).toBe(0);
    expect(existsSync(join(process.cwd(), 'btn-prov.thanthien.json'))).toBe(false);
  });

  it('refuses to rotate a revoked device unless told to reinstate it', async () => {
    await thanthien(['device', 'add', 'btn-gone', '--kind', 'rating-button', '--desk', desk, '--json'], env);
    await thanthien(['device', 'revoke', 'btn-gone'], env);
    const rotate = await thanthien(['device', 'rotate', 'btn-gone', '--json'], env);
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain('TT_DEVICE_REVOKED');
    expect(rotate.stderr).toContain('thanthien device rotate btn-gone --reinstate');
    expect(hub.devices.get('btn-gone')!.revokedAt).not.toBeNull();
    const reinstate = await thanthien(['device', 'rotate', 'btn-gone', '--reinstate', '--json'], env);
    expect(reinstate.code).toBe(0);
    // The running hub reads the CLI's change within its half-second watch.
    await until(() => hub.devices.get('btn-gone')!.revokedAt === null, 'the hub sees the device reinstated');
  });

  it("lists last-seen times in the site's time zone, dd/mm/yyyy", async () => {
    // A device that has been seen: it came online once.
    const box = new SimRatingButton(await provisionSim(hub, { id: 'btn-seen', kind: 'rating-button', desk }));
    box.start();
    await until(() => hub.devices.get('btn-seen')?.lastSeenAt != null, 'the box seen');
    await box.stop();
    const iso = hub.devices.get('btn-seen')!.lastSeenAt!;
    const table = await thanthien(['device', 'list'], env);
    expect(table.stdout).toContain('last seen (Asia/Ho_Chi_Minh)');
    const local = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
    const shown = `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 19)}`;
    expect(table.stdout).toMatch(new RegExp(`btn-seen\\s.*${shown}`));
    expect(table.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});

describe('thanthien user', () => {
  it('lists users, sets a lost password (ending their sessions) and removes a user', async () => {
    await thanthien(
      ['user', 'add', 'pho-chu-tich', '--role', 'leader', '--password', 'mat-khau-cu-123'],
      env,
    );
    const login = (password: string) =>
      hub.http.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { name: 'pho-chu-tich', password },
      });
    const session = String((await login('mat-khau-cu-123')).headers['set-cookie']).split(';')[0]!;
    const me = () => hub.http.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: session } });
    expect((await me()).statusCode).toBe(200);

    const list = JSON.parse((await thanthien(['user', 'list', '--json'], env)).stdout);
    expect(list).toContainEqual(
      expect.objectContaining({ name: 'pho-chu-tich', role: 'leader', open_sessions: 1 }),
    );

    const passwd = await thanthien(['user', 'passwd', 'pho-chu-tich'], env);
    expect(passwd.code).toBe(0);
    const fresh = /Password \(shown once\): (\S+)/.exec(passwd.stdout)![1]!;
    expect((await me()).statusCode).toBe(401);
    expect((await login('mat-khau-cu-123')).statusCode).toBe(401);
    expect((await login(fresh)).statusCode).toBe(200);

    expect((await thanthien(['user', 'remove', 'pho-chu-tich'], env)).code).toBe(0);
    expect((await login(fresh)).statusCode).toBe(401);
    const gone = await thanthien(['user', 'passwd', 'pho-chu-tich'], env);
    expect(gone.stderr).toContain('TT_USER_UNKNOWN');
  });
});

describe('thanthien simulate', () => {
  const generations = () => new Map(hub.devices.list().map((d) => [d.id, d.generation]));

  it('checks its arguments and the hub before it re-keys anything, and fails when it cannot connect', async () => {
    const before = generations();
    const badRate = await thanthien(['simulate', '--url', hub.url, '--rate', 'fast'], env);
    expect(badRate.code).toBe(1);
    expect(badRate.stderr).toContain('--rate must be a number ≥ 0');
    const nowhere = await thanthien(['simulate', '--url', 'mqtt://127.0.0.1:1', '--duration', '2'], env);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('TT_MQTT_UNREACHABLE');
    expect(nowhere.stderr).toContain('No device was changed');
    expect(generations()).toEqual(before);
  });

  it('refuses to re-key simulated devices that a running demo or simulator is using', async () => {
    // A first run provisions the simulated devices; a commune then keeps them online.
    const first = await thanthien(
      ['simulate', '--url', hub.url, '--desks', '1', '--speakers', '0', '--duration', '1'],
      env,
      60_000,
    );
    expect(first.code).toBe(0);
    const specs: SimDeviceSpec[] = [];
    for (const id of [`sim-btn-${desk}`, `sim-pir-${desk}`]) {
      const { secret } = await hub.devices.rotate(id);
      specs.push({ ...hub.devices.get(id)!, secret });
    }
    const running = new SimulatedCommune({ url: hub.url, site: hub.config.site.code, devices: specs });
    running.start();
    try {
      await until(() => specs.every((s) => hub.devices.get(s.id)!.online), 'the running simulator online');
      const before = generations();
      const second = await thanthien(['simulate', '--url', hub.url, '--desks', '1', '--speakers', '0'], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('TT_SIM_IN_USE');
      expect(generations()).toEqual(before);
      expect(specs.every((s) => hub.devices.get(s.id)!.online)).toBe(true);
    } finally {
      await running.stop();
    }
  });
});

describe('the environment', () => {
  const start = (extra: Record<string, string>) =>
    thanthien(['hub'], { ...env, TT_HOST: '127.0.0.1', TT_MQTT_PORT: '0', TT_HTTP_PORT: '0', ...extra });

  it('gives coded bilingual errors, never a stack trace, for a data directory that is a file and a bad TT_HOST', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-env-'));
    try {
      const file = join(dir, 'not-a-dir');
      writeFileSync(file, '');
      const asFile = await start({ TT_DATA_DIR: file });
      expect(asFile.code).toBe(1);
      expect(asFile.stderr).toContain(
        `Error [TT_DATA_DIR_UNUSABLE]: data directory cannot be used: ${file} (TT_DATA_DIR): is a file`,
      );
      const under = await start({ TT_DATA_DIR: join(file, 'data') });
      expect(under.stderr).toContain('TT_DATA_DIR_UNUSABLE');
      const host = await start({ TT_DATA_DIR: join(dir, 'd1'), TT_HOST: '203.0.113.7' });
      expect(host.code).toBe(1);
      expect(host.stderr).toContain(
        'Error [TT_LISTEN_FAILED]: cannot listen: TT_HOST "203.0.113.7" is not an address of this machine',
      );
      const syntax = await start({ TT_DATA_DIR: join(dir, 'd2'), TT_HOST: 'not a host' });
      expect(syntax.stderr).toContain('TT_SETTINGS_INVALID');
      // Not writable even for root: /proc/sys. (Node's own recursive mkdir never returns under it.)
      const readOnly = await start({ TT_DATA_DIR: '/proc/sys/thanthien' });
      expect(readOnly.code).toBe(1);
      expect(readOnly.stderr).toContain('/proc/sys/thanthien (TT_DATA_DIR): is not writable (/proc/sys)');
      for (const run of [asFile, under, host, syntax, readOnly]) expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes an empty variable as unset, as compose and systemd files write it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-env-'));
    try {
      const hubInDir = await startTestHub({
        TT_DATA_DIR: dir,
        TT_INFLUX_URL: '',
        TT_MQTT_TLS_CERT: '',
        TT_MQTT_TLS_KEY: '',
      });
      try {
        expect(hubInDir.health().influx).toEqual({ configured: false });
      } finally {
        await hubInDir.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
