import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// deploy/install.sh, the bare-metal install, driven with DRY_RUN=1: it prints every command that
// would change the system ("+ …") and runs none, so nothing here touches the machine. What it keeps
// on an installed machine (site.yaml, env files, the device's file) is read from the real /etc, so
// the few expectations about a first install say which machine they hold on.

const SCRIPT = resolve('deploy/install.sh');
const UNITS = resolve('deploy/systemd');
const KINDS = ['speaker', 'rating-button', 'presence-sensor'] as const;
const work = mkdtempSync(join(tmpdir(), 'tt-install-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function dryRun(args: string[], extraEnv: Record<string, string> = {}) {
  const { GRAFANA_ADMIN_PASSWORD: _password, DRY_RUN: _dryRun, ...inherited } = process.env;
  const result = spawnSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...inherited, ...extraEnv, DRY_RUN: '1' },
  });
  const commands = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('+ '))
    .map((line) => line.slice(2));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, commands };
}

/** Where each pattern first matches, every one found and in the order given. */
function expectInOrder(commands: string[], patterns: RegExp[]) {
  let previous = -1;
  for (const pattern of patterns) {
    const at = commands.findIndex((command, index) => index > previous && pattern.test(command));
    expect(at, `${pattern} after command ${previous}:\n${commands.join('\n')}`).toBeGreaterThan(previous);
    previous = at;
  }
}

function provisionFile(kind: string): string {
  const file = join(work, `${kind}.thanthien.json`);
  const device = { id: `${kind}-1`, secret: 'bi-mat-thiet-bi', kind, site: 'xa-tan-lap' };
  writeFileSync(file, JSON.stringify(device, null, 2));
  return file;
}

const userExists = spawnSync('getent', ['passwd', 'thanthien']).status === 0;
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('deploy/install.sh', () => {
  it('passes shellcheck with no findings', () => {
    const check = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect(check.error, 'shellcheck is needed: Debian package shellcheck').toBeUndefined();
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });

  it('--help prints the usage in Vietnamese, then English, and changes nothing', () => {
    const help = dryRun(['--help']);
    expect(help.status).toBe(0);
    const vietnamese = help.stdout.indexOf('Cách dùng: sudo deploy/install.sh');
    const english = help.stdout.indexOf('Usage: sudo deploy/install.sh');
    expect(vietnamese).toBeGreaterThanOrEqual(0);
    expect(english).toBeGreaterThan(vietnamese);
    for (const option of ['--no-grafana', '--device', '--provision', 'DRY_RUN', 'GRAFANA_ADMIN_PASSWORD']) {
      expect(help.stdout).toContain(option);
    }
    expect(help.commands).toEqual([]);
  });

  it('an unknown option stops it with exit 2, naming the option, before any command', () => {
    const wrong = dryRun(['--frobnicate']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('unknown option: --frobnicate');
    expect(wrong.stderr).toContain('tùy chọn không rõ: --frobnicate');
    expect(wrong.commands).toEqual([]);
  });

  it('an unknown device kind, or --provision without --device, is a usage error', () => {
    const lamp = dryRun(['--device', 'lamp']);
    expect(lamp.status).toBe(2);
    expect(lamp.stderr).toContain('unknown device kind: lamp');
    const stray = dryRun(['--provision', provisionFile('speaker')]);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('--provision goes with --device');
  });

  describe('the hub (default)', () => {
    const hub = dryRun([], { GRAFANA_ADMIN_PASSWORD: 'mat-khau-thu-nghiem' });
    const grafanaFiles = (kind: string) =>
      readdirSync(resolve('provisioning/grafana', kind)).filter((name) => name.endsWith('.yaml'));

    it('installs packages, user, build, service, then Grafana, in that order', () => {
      expect(hub.status, hub.stderr).toBe(0);
      expectInOrder(hub.commands, [
        /^apt-get install .*\bnodejs\b.*\binfluxdb\b.*\bsqlite3\b.*\bespeak-ng\b/,
        userExists ? /^/ : /^useradd --system .*--home-dir \/var\/lib\/thanthien .*thanthien$/,
        /^rsync .* \/opt\/thanthien\/$/,
        /npm ci --no-audit --no-fund$/,
        /npm run build$/,
        /^ln -sfn \/opt\/thanthien\/bin\/thanthien\.mjs \/usr\/local\/bin\/thanthien$/,
        /^install .*deploy\/systemd\/thanthien\.service \/etc\/systemd\/system\/thanthien\.service$/,
        /^systemctl daemon-reload$/,
        /^systemctl enable --now influxdb thanthien$/,
        /^gpg .*--dearmor -o \/etc\/apt\/keyrings\/grafana\.gpg /,
        /^install .* \/etc\/apt\/sources\.list\.d\/grafana\.list /,
        /^apt-get install .* grafana$/,
        ...grafanaFiles('datasources').map(
          (name) =>
            new RegExp(
              `provisioning/grafana/datasources/${literal(name)} /etc/grafana/provisioning/datasources/$`,
            ),
        ),
        ...grafanaFiles('dashboards').map(
          (name) =>
            new RegExp(
              `provisioning/grafana/dashboards/${literal(name)} /etc/grafana/provisioning/dashboards/$`,
            ),
        ),
        /^rsync .*\/dashboards\/ \/var\/lib\/grafana\/dashboards\/thanthien\/$/,
        /^install .* \/etc\/default\/grafana-server /,
        /^systemctl enable --now grafana-server$/,
        /grafana-cli admin reset-admin-password --password-from-stdin < \/etc\/thanthien\/grafana-admin-password$/,
      ]);
    });

    it('copies the code without what the build makes, and never prunes Node 24 away', () => {
      const copy = hub.commands.find((command) => command.startsWith('rsync -a'))!;
      for (const excluded of ['node_modules', 'dist', 'data', 'data-demo', '.git']) {
        expect(copy).toContain(`--exclude=/${excluded}`);
      }
      expect(hub.commands.filter((command) => /npm (prune|install)/.test(command))).toEqual([]);
    });

    it.skipIf(existsSync('/etc/thanthien/thanthien.env'))(
      'writes the env file the unit reads, with the site config, data and InfluxDB',
      () => {
        expect(hub.stdout).toContain('/dev/stdin /etc/thanthien/thanthien.env');
        for (const line of [
          'TT_CONFIG=/etc/thanthien/site.yaml',
          'TT_DATA_DIR=/var/lib/thanthien',
          'TT_INFLUX_URL=http://127.0.0.1:8086/thanthien',
        ]) {
          expect(hub.stdout).toContain(`\n${line}\n`);
        }
        expect(hub.commands).toContain(
          `install -m 0640 -o root -g thanthien ${resolve('provisioning/site.example.yaml')} /etc/thanthien/site.yaml`,
        );
      },
    );

    it("puts grafana.env's settings into Grafana's environment, quoted for sh, with InfluxDB's address", () => {
      const settings = readFileSync(resolve('provisioning/grafana/grafana.env'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line));
      expect(settings.length).toBeGreaterThan(0);
      for (const line of settings) {
        const [key, ...value] = line.split('=');
        expect(hub.stdout).toContain(`\n${key}='${value.join('=')}'\n`);
      }
      expect(hub.stdout).toContain("\nTHANTHIEN_INFLUX_URL='http://127.0.0.1:8086'\n");
    });

    it('never prints a password, even one given in GRAFANA_ADMIN_PASSWORD', () => {
      expect(hub.stdout).not.toContain('mat-khau-thu-nghiem');
      expect(hub.stderr).not.toContain('mat-khau-thu-nghiem');
      expect(hub.commands).toContain(
        "install -m 0600 -o root -g root /dev/stdin /etc/thanthien/grafana-admin-password <<'EOF'",
      );
    });

    it('--no-grafana installs the hub and nothing of Grafana', () => {
      const bare = dryRun(['--no-grafana']);
      expect(bare.status, bare.stderr).toBe(0);
      expect(bare.commands).toContain('systemctl enable --now influxdb thanthien');
      expect(bare.commands.filter((command) => /grafana/.test(command))).toEqual([]);
    });
  });

  describe('a device board (--device)', () => {
    for (const kind of KINDS) {
      it(`${kind}: installs exactly its own unit and its provisioning file, no hub`, () => {
        const file = provisionFile(kind);
        const device = dryRun(['--device', kind, '--provision', file]);
        expect(device.status, device.stderr).toBe(0);
        const unitsInstalled = device.commands
          .map((command) => / (\/etc\/systemd\/system\/[^/\s]+\.service)$/.exec(command)?.[1])
          .filter(Boolean);
        expect(unitsInstalled).toEqual([`/etc/systemd/system/thanthien-${kind}.service`]);
        expectInOrder(device.commands, [
          /^apt-get install .*\bnodejs\b/,
          /npm ci --no-audit --no-fund$/,
          /npm run build$/,
          new RegExp(
            `^install -m 0640 -o root -g thanthien ${literal(file)} /etc/thanthien/device\\.thanthien\\.json$`,
          ),
          /^install .* \/etc\/thanthien\/device\.env /,
          new RegExp(
            `deploy/systemd/thanthien-${kind}\\.service /etc/systemd/system/thanthien-${kind}\\.service$`,
          ),
          new RegExp(`^systemctl enable --now thanthien-${kind}$`),
        ]);
        const apt = device.commands.find((command) => command.startsWith('apt-get install'))!;
        expect(apt.includes(' mpv')).toBe(kind === 'speaker');
        expect(
          device.commands.filter((command) => /influx|grafana|espeak|\/usr\/local\/bin/.test(command)),
        ).toEqual([]);
        expect(device.stdout).not.toContain('bi-mat-thiet-bi');
      });
    }

    it.skipIf(existsSync('/etc/thanthien/device.thanthien.json'))(
      'without --provision on a first install: exit 2, saying the file is needed, before any command',
      () => {
        const missing = dryRun(['--device', 'speaker']);
        expect(missing.status).toBe(2);
        expect(missing.stderr).toContain('--device needs --provision FILE');
        expect(missing.commands).toEqual([]);
      },
    );

    it('a provisioning file of another kind is refused, naming both kinds', () => {
      const wrong = dryRun(['--device', 'speaker', '--provision', provisionFile('rating-button')]);
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('the provisioning file is for a rating-button, not a speaker');
      expect(wrong.commands).toEqual([]);
    });
  });

  describe('every path a unit in deploy/systemd uses is one the script makes', () => {
    const units = readdirSync(UNITS).filter((name) => name.endsWith('.service'));
    const hubRun = dryRun(['--no-grafana']);

    /** The values of one directive of a unit, each split into its words. */
    const directiveWords = (unit: string, key: string) =>
      [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].flatMap((match) => match[1]!.trim().split(/\s+/));

    /** The paths of ExecStart, EnvironmentFile, ReadWritePaths and WorkingDirectory, made absolute. */
    function unitPaths(unit: string): string[] {
      const workingDirectory = directiveWords(unit, 'WorkingDirectory')[0]!;
      const paths = [
        workingDirectory,
        ...directiveWords(unit, 'ReadWritePaths'),
        ...directiveWords(unit, 'EnvironmentFile').map((path) => path.replace(/^-/, '')),
        ...directiveWords(unit, 'ExecStart').filter((word) => /^(\/|dist\/)/.test(word)),
      ];
      return paths.map((path) => (path.startsWith('/') ? path : `${workingDirectory}/${path}`));
    }

    for (const name of units) {
      it(name, () => {
        const kind = /^thanthien-(.+)\.service$/.exec(name)?.[1];
        const run = kind ? dryRun(['--device', kind, '--provision', provisionFile(kind)]) : hubRun;
        expect(run.status, run.stderr).toBe(0);
        expect(run.commands).toContain(
          `install -m 0644 -o root -g root ${join(UNITS, name)} /etc/systemd/system/${name}`,
        );
        // Files a program makes itself (its queue, its state) sit in a folder the script makes for it.
        const madeDirectories = run.commands
          .filter((command) => command.startsWith('install -d '))
          .map((command) => command.split(' ').at(-1)!);
        const unit = readFileSync(join(UNITS, name), 'utf8');
        // The one place a hardened unit may write: made for the service's user, and only for it.
        for (const writable of directiveWords(unit, 'ReadWritePaths')) {
          expect(run.commands).toContain(`install -d -o thanthien -g thanthien -m 0700 ${writable}`);
        }
        for (const path of unitPaths(unit)) {
          const covered =
            run.stdout.includes(path) ||
            madeDirectories.some((directory) => path.startsWith(`${directory}/`));
          expect(covered, `${name} uses ${path}`).toBe(true);
        }
      });
    }
  });
});
