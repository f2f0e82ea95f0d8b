import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thanthien } from './helpers/cli.ts';
import { EXAMPLE_CONFIG, startTestHub, type TestHub } from './helpers/hub.ts';

// `thanthien simulate` as a technician runs it: provisions its devices in the hub's store, speaks
// protocol v1 over real MQTT, shows progress, and every event it sends is acknowledged.

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(async () => {
  await hub?.close();
});

describe('thanthien simulate', () => {
  it('runs a commune for a few seconds, with progress, and the hub stores every event once', async () => {
    const run = await thanthien(
      ['simulate', '--url', hub.url, '--desks', '3', '--speakers', '2', '--rate', '60', '--duration', '4'],
      { TT_DATA_DIR: hub.dataDir, TT_CONFIG: EXAMPLE_CONFIG },
      60_000,
    );
    expect(run.stderr).toMatch(/Mô phỏng: \d+\/8 thiết bị trực tuyến/);
    expect(run.code).toBe(0);
    const done = /Done: (\d+) events, (\d+) acknowledged/.exec(run.stdout);
    expect(done).not.toBeNull();
    const [sent, acked] = [Number(done![1]), Number(done![2])];
    expect(sent).toBeGreaterThan(0);
    expect(acked).toBe(sent);
    const stored = hub.store.prepare("SELECT COUNT(*) AS n FROM events WHERE device LIKE 'sim-%'").get() as {
      n: number;
    };
    expect(Number(stored.n)).toBe(sent);
    expect(
      hub.devices
        .list()
        .filter((d) => d.id.startsWith('sim-'))
        .map((d) => d.id),
    ).toHaveLength(8);
  });
});
