import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA } from '../hub/src/influx/schema.ts';
import { HUB_ENV, HUB_NODE_FLAGS } from '../hub/src/runtime.ts';

// The repository stands alone and its docs say what the code does: held by tests, so they cannot
// drift apart again.

const ROOT = process.cwd();
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Every file of the project that a user gets, without installed or generated folders. */
function projectFiles(dir = ROOT): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (['node_modules', '.git', 'dist', 'data', 'data-demo'].includes(name) || name.startsWith('.vitest'))
      return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return projectFiles(path);
    return /\.(ts|mjs|js|md|yaml|yml|json|sh|html|css)$|^(Dockerfile|run)$/.test(name)
      ? [relative(ROOT, path)]
      : [];
  });
}

describe('the repository stands alone', () => {
  it('cites its own docs, never a design or style document users of the project do not have', () => {
    const citing = projectFiles()
      .filter((file) => file !== 'package-lock.json' && file !== 'tests/docs.test.ts')
      .filter((file) => /DESIGN(\.md| §)|STYLE(\.md| \d)|shared\//.test(read(file)));
    expect(citing).toEqual([]);
  });

  it('links only to docs that exist', () => {
    const missing: string[] = [];
    for (const file of ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)]) {
      if (!file.endsWith('.md')) continue;
      for (const [, target] of read(file).matchAll(/\]\(((?:docs\/)?[a-z-]+\.md)(?:#[^)]*)?\)/g)) {
        const path = file === 'README.md' ? target! : join('docs', target!.replace(/^docs\//, ''));
        try {
          statSync(join(ROOT, path));
        } catch {
          missing.push(`${file} → ${target}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('README and CI agree', () => {
  it('name the same Debian packages for the tests', () => {
    const ci = /^packages=\(([^)]*)\)/m.exec(read('.ci/run'))![1]!.trim().split(/\s+/).sort();
    const section = read('README.md').split('## Test')[1]!.split('\n## ')[0]!;
    const list = /need these Debian packages:([\s\S]*?)`bash \.ci\/run`/.exec(section)![1]!;
    const named = [...list.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!).sort();
    expect(named).toEqual(ci);
  });
});

describe('how the hub is started', () => {
  it('passes the same Node flags and environment everywhere it is started', () => {
    const start = JSON.parse(read('package.json')).scripts.start as string;
    const docker = read('Dockerfile');
    const unit = read('deploy/systemd/thanthien.service');
    for (const flag of HUB_NODE_FLAGS) {
      expect(start, 'npm start').toContain(flag);
      expect(docker, 'Dockerfile CMD').toContain(`"${flag}"`);
      expect(unit, 'systemd unit').toContain(flag);
    }
    for (const [name, value] of Object.entries(HUB_ENV)) {
      expect(start, 'npm start').toContain(`${name}=${value}`);
      expect(docker, 'Dockerfile ENV').toContain(`${name}=${value}`);
      expect(unit, 'systemd unit').toContain(`Environment=${name}=${value}`);
    }
  });
});

describe('operations.md', () => {
  const ops = read('docs/operations.md');

  it('documents every environment variable the hub reads', () => {
    const variables = new Set(read('hub/src/settings.ts').match(/TT_[A-Z_]+/g));
    for (const variable of variables) expect(ops, variable).toContain(`\`${variable}\``);
  });

  it('has the install script put on the hub the programs its commands use', () => {
    const installed = spawnSync('bash', ['deploy/install.sh'], {
      env: { ...process.env, DRY_RUN: '1' },
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .filter((line) => line.startsWith('+ apt-get install'))
      .join(' ');
    const needs: Array<[program: string, pkg: string]> = [
      ['sqlite3 ', 'sqlite3'],
      ['influxd ', 'influxdb'],
      ['curl ', 'curl'],
    ];
    for (const [program, pkg] of needs)
      if (ops.includes(program)) expect(installed, `${program}in docs/operations.md`).toContain(` ${pkg}`);
  });
});

describe('influxdb.md', () => {
  const doc = read('docs/influxdb.md');

  it('documents every measurement, tag and field the hub writes, with its type', () => {
    for (const { measurement, tags, fields } of SCHEMA) {
      const section = doc.split(`### \`${measurement}\``)[1]?.split('\n### ')[0];
      expect(section, measurement).toBeDefined();
      for (const tag of tags)
        expect(section, `${measurement} tag ${tag}`).toMatch(new RegExp(`\\| tag \\| [^|]*\`${tag}\``));
      for (const [field, type] of Object.entries(fields)) {
        expect(section, `${measurement}.${field}`).toContain(`| field | \`${field}\` | ${type} |`);
      }
    }
  });
});
