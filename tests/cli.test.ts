import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thanthien } from './helpers/cli.ts';
import { EXAMPLE_CONFIG, startTestHub, type TestHub, until } from './helpers/hub.ts';

// The provisioning CLI, run as a real process against the store of a running hub.

let hub: TestHub;
let env: Record<string, string>;
let desk: string;
let zone: string;
let cwd: string;

beforeAll(async () => {
  hub = await startTestHub();
  env = { TT_DATA_DIR: hub.dataDir, TT_CONFIG: EXAMPLE_CONFIG, TT_MQTT_PUBLIC_URL: 'mqtt://hub.local:1883' };
  desk = hub.config.desks[0]!.id;
  zone = hub.config.zones[0]!.id;
  cwd = mkdtempSync(join(tmpdir(), 'tt-cli-'));
});

afterAll(async () => {
  await hub?.close();
  rmSync(cwd, { recursive: true, force: true });
});

/** Provision a rating box through the CLI, as a script would: one JSON object. */
const addButton = async (id: string): Promise<{ id: string; secret: string }> =>
  JSON.parse(
    (await thanthien(['device', 'add', id, '--kind', 'rating-button', '--desk', desk, '--json'], env)).stdout,
  );

const connect = (id: string, secret: string) =>
  mqtt.connectAsync(hub.url, {
    clientId: id,
    username: id,
    password: secret,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });

describe('thanthien device', () => {
  it('add --json prints one JSON object with id and secret, for scripts', async () => {
    const run = await thanthien(
      ['device', 'add', 'btn-cli-1', '--kind', 'rating-button', '--desk', desk, '--json'],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      id: 'btn-cli-1',
      kind: 'rating-button',
      desk,
      site: hub.config.site.code,
      mqtt_url: 'mqtt://hub.local:1883',
      scale: hub.config.rating.scale,
    });
    expect(out.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // The secret works at once on the running hub.
    const client = await connect('btn-cli-1', out.secret);
    await client.endAsync();
  });

  it('add writes a private provisioning file and shows a QR code, in Vietnamese then English', async () => {
    const out = join(cwd, 'loa.json');
    const run = await thanthien(
      ['device', 'add', 'loa-cli-1', '--kind', 'speaker', '--zone', zone, '--out', out],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Đã thêm thiết bị loa-cli-1');
    expect(run.stdout).toContain('Device loa-cli-1 added');
    expect(run.stdout).toMatch(/[█▀▄]/); // the QR code
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file).toMatchObject({ id: 'loa-cli-1', kind: 'speaker', zone });
    expect(statSync(out).mode & 0o077).toBe(0);
  });

  it('refuses a duplicate, an unknown desk and a bad id with a reason', async () => {
    const dup = await thanthien(
      ['device', 'add', 'btn-cli-1', '--kind', 'rating-button', '--desk', desk],
      env,
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('TT_DEVICE_EXISTS');
    const noDesk = await thanthien(
      ['device', 'add', 'btn-cli-2', '--kind', 'rating-button', '--desk', 'quay-99'],
      env,
    );
    expect(noDesk.stderr).toMatch(/desk "quay-99" is not in the site config/);
    const badId = await thanthien(
      ['device', 'add', 'Bad_Id', '--kind', 'rating-button', '--desk', desk],
      env,
    );
    expect(badId.stderr).toMatch(/id "Bad_Id" must match/);
    const badOption = await thanthien(
      ['device', 'add', 'btn-cli-3', '--kind', 'rating-button', '--dsk', desk],
      env,
    );
    expect(badOption.stderr).toMatch(/Unknown option '--dsk'/);
    expect(existsSync(join(cwd, 'btn-cli-2.thanthien.json'))).toBe(false);
  });

  it('list shows the devices and whether they are online', async () => {
    const run = await thanthien(['device', 'list', '--json'], env);
    const list = JSON.parse(run.stdout) as Array<{ id: string; online: boolean }>;
    expect(list.map((d) => d.id)).toEqual(['btn-cli-1', 'loa-cli-1']);
    const table = await thanthien(['device', 'list'], env);
    expect(table.stdout).toMatch(/btn-cli-1\s+rating-button/);
  });

  it('rotate closes the live connection, the old secret stops working and the new one works', async () => {
    const add = await addButton('btn-rot');
    const client = await connect('btn-rot', add.secret);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const rotated = JSON.parse((await thanthien(['device', 'rotate', 'btn-rot', '--json'], env)).stdout);
    await closed;
    client.end(true);
    await expect(connect('btn-rot', add.secret)).rejects.toThrow(/Bad username or password/i);
    const again = await connect('btn-rot', rotated.secret);
    await again.endAsync();
  });

  it('revoke closes the live connection and the device cannot connect again', async () => {
    const add = await addButton('btn-rev');
    const client = await connect('btn-rev', add.secret);
    await until(() => hub.devices.get('btn-rev') !== undefined, 'device');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const run = await thanthien(['device', 'revoke', 'btn-rev'], env);
    expect(run.stdout).toContain('Đã thu hồi thiết bị btn-rev');
    await closed;
    client.end(true);
    await expect(connect('btn-rev', add.secret)).rejects.toThrow(/Not authorized/i);
  });
});

describe('thanthien user', () => {
  it('adds a user who can log in; a generated password is shown once', async () => {
    const run = await thanthien(['user', 'add', 'lanh-dao', '--role', 'leader'], env);
    expect(run.code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(run.stdout)?.[1];
    expect(password).toBeDefined();
    const login = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { name: 'lanh-dao', password },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ user: 'lanh-dao', role: 'leader' });
  });

  it('refuses an unknown role', async () => {
    const run = await thanthien(['user', 'add', 'someone', '--role', 'mayor'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/role "mayor" must be one of admin, leader, operator, technician/);
  });
});

describe('thanthien hub with a broken site config', () => {
  it('does not start, and names the file, line and field', async () => {
    const broken = join(cwd, 'broken.yaml');
    const text = readFileSync(EXAMPLE_CONFIG, 'utf8').replace(
      /^(\s*)officer: (\S+)$/m,
      '$1officer: khong-co-ai',
    );
    writeFileSync(broken, text);
    const line = text.split('\n').findIndex((l) => l.includes('officer: khong-co-ai')) + 1;
    const run = await thanthien(['hub'], { ...env, TT_CONFIG: broken, TT_MQTT_PORT: '0', TT_HTTP_PORT: '0' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('TT_CONFIG_INVALID');
    expect(run.stderr).toMatch(new RegExp(`broken\\.yaml:${line} desks\\[\\d+\\]\\.officer`));
  });
});
