import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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
