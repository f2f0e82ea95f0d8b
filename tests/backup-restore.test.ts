import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statement } from '../hub/src/store/index.ts';
import { SimRatingButton } from '../simulators/src/devices.ts';
import { provisionSim, startTestHub, type TestHub, until } from './helpers/hub.ts';
import { type Influxd, startInfluxd } from './helpers/influxd.ts';

// Backup and restore as docs/operations.md tells a technician: the commands written there, run
// while the hub takes ratings, give back a hub whose devices still log in and whose store and
// InfluxDB hold what they held at the backup, not what came after.

const work = mkdtempSync(join(tmpdir(), 'tt-backup-'));
const usb = join(work, 'usb');
let influxd: Influxd;
let hub: TestHub | undefined;
let button: SimRatingButton | undefined;
let identity: Awaited<ReturnType<typeof provisionSim>>;
const cleanups: Array<() => Promise<void>> = [];

function sh(command: string, args: string[]) {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  expect(run.status, `${command} ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

const ratingsIn = async (db: Influxd) =>
  Number((await db.query('SELECT COUNT("score") FROM "rating"').catch(() => []))[0]?.count ?? 0);
const storedEvents = (h: TestHub) =>
  Number((statement(h.store, 'SELECT COUNT(*) AS n FROM events').get() as { n: number }).n);

async function press(n: number, total: number) {
  for (let i = 0; i < n; i++) {
    button!.press(3 + (i % 2));
    await new Promise((r) => setTimeout(r, 5)); // a press is a point: two in one millisecond would be one
  }
  await until(async () => (await ratingsIn(influxd)) === total, `${total} ratings in InfluxDB`);
}

beforeAll(async () => {
  influxd = await startInfluxd();
  hub = await startTestHub({ TT_INFLUX_URL: `${influxd.url}/thanthien` });
  identity = await provisionSim(hub, { id: 'btn-sao-luu', kind: 'rating-button', desk: 'quay-1' });
  button = new SimRatingButton(identity);
  button.start();
  await until(() => hub!.devices.get('btn-sao-luu')?.online === true, 'the box online');
}, 60_000);

afterAll(async () => {
  await button?.stop();
  await hub?.close();
  for (const cleanup of cleanups) await cleanup();
  await influxd?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('backup and restore (docs/operations.md)', () => {
  it('brings back the store, the device files and InfluxDB as they were at the backup', async () => {
    await press(6, 6);
    const data = hub!.dataDir;
    // The commands of docs/operations.md, with the hub running.
    sh('mkdir', ['-p', usb]);
    sh('sqlite3', [join(data, 'hub.sqlite'), `.backup '${join(usb, 'hub.sqlite')}'`]);
    sh('tar', [
      '--exclude=./hub.sqlite*',
      '--exclude=./hub.lock',
      '--exclude=./hub.owner.json',
      '-C',
      data,
      '-czf',
      join(usb, 'files.tar.gz'),
      '.',
    ]);
    sh('influxd', ['backup', '-portable', '-host', influxd.rpc, join(usb, 'influx')]);
    const atBackup = storedEvents(hub!);
    expect(atBackup).toBe(6);

    // Life goes on after the backup, then the SD card dies.
    await press(4, 10);
    await button!.stop();
    await hub!.close();
    hub = undefined;

    // Restore onto a fresh data directory and a fresh InfluxDB.
    const restored = join(work, 'restored');
    sh('mkdir', ['-p', restored]);
    sh('cp', [join(usb, 'hub.sqlite'), join(restored, 'hub.sqlite')]);
    sh('tar', ['-xzf', join(usb, 'files.tar.gz'), '-C', restored]);
    const freshInflux = await startInfluxd();
    cleanups.push(() => freshInflux.close());
    // The new install's hub already made its database: restore refuses one that exists.
    const influxql = (q: string) =>
      sh('curl', ['-sf', '-XPOST', `${freshInflux.url}/query`, '--data-urlencode', `q=${q}`]);
    influxql('CREATE DATABASE "thanthien"');
    influxql('DROP DATABASE "thanthien"');
    sh('influxd', ['restore', '-portable', '-host', freshInflux.rpc, join(usb, 'influx')]);
    // influxd opens the restored shards on its own, a moment after the command returns.
    await until(async () => (await ratingsIn(freshInflux)) === 6, 'the backup in the fresh InfluxDB');

    const back = await startTestHub({ TT_DATA_DIR: restored, TT_INFLUX_URL: `${freshInflux.url}/thanthien` });
    cleanups.unshift(() => back.close());
    expect(storedEvents(back)).toBe(atBackup);
    // The box logs in with the secret it always had: its credentials came back with the store.
    button = new SimRatingButton({ ...identity, url: back.url });
    button.start();
    button.press(4);
    await until(async () => (await ratingsIn(freshInflux)) === 7, 'a new rating after the restore');
    expect(storedEvents(back)).toBe(atBackup + 1);
  }, 120_000);
});
