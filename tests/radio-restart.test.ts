import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Programs } from '../hub/src/broadcasts/index.ts';
import { localTime } from '../hub/src/config/calendar.ts';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import { createLogger } from '../hub/src/log.ts';
import { storePath } from '../hub/src/main.ts';
import { GroupCommit, openStore } from '../hub/src/store/index.ts';
import { Users } from '../hub/src/users/index.ts';
import { SimSpeaker } from '../simulators/src/devices.ts';
import { EXAMPLE_CONFIG, until } from './helpers/hub.ts';
import { type HubProcess, hubProcess } from './helpers/hub-process.ts';
import { type Influxd, startInfluxd } from './helpers/influxd.ts';
import { freePort } from './helpers/net.ts';

// The hub killed with SIGKILL in the middle of a program: the speakers keep airing what they were
// sent ahead, the hub comes back, joins the program in progress at its offset for a speaker that
// only now connects, and logs what happened while it was down, missed airings included.

const PASSWORD = 'mat-khau-thu-nghiem-2026';
// Long enough for a speaker whose reconnect backoff grew while the hub was down: from 200 ms it
// doubles, so its tries after the kill come ~12 s and ~25 s later; a hub slow to start on a loaded
// machine misses the first, and the second comes ~15 s after the program ended. Short enough for a
// test.
const LATE_ACK_WAIT_S = 40;

describe('the radio through a SIGKILL of the hub', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-radio-restart-'));
  const speakers = new Map<string, SimSpeaker>();
  let hub: HubProcess | undefined;
  let influxd: Influxd | undefined;

  afterAll(async () => {
    await Promise.all([...speakers.values()].map((s) => s.stop()));
    await hub?.stop();
    await influxd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps airing, rejoins at the offset and logs what it missed', async () => {
    // The site's own config, with late acks awaited 15 s rather than 5 minutes.
    const config = join(dir, 'site.yaml');
    writeFileSync(
      config,
      readFileSync(EXAMPLE_CONFIG, 'utf8').replace(
        /late_ack_wait_s: \d+/,
        `late_ack_wait_s: ${LATE_ACK_WAIT_S}`,
      ),
    );
    const site = loadSiteConfig(config);
    const dataDir = join(dir, 'data');
    const httpPort = await freePort();
    influxd = await startInfluxd();
    const env = {
      TT_INFLUX_URL: `${influxd.url}/thanthien`,
      TT_CONFIG: config,
      TT_DATA_DIR: dataDir,
      TT_HOST: '127.0.0.1',
      TT_MQTT_PORT: String(await freePort()),
      TT_HTTP_PORT: String(httpPort),
      TT_HTTP_PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      TT_RADIO_CLOCK: 'trust',
    };

    // Written before the hub first starts: the speakers, a leader, and two programs that go on
    // air at moments of this test (emergencies air at the moment they are written for).
    const t0 = Date.now() + 10_000;
    const secrets = new Map<string, string>();
    {
      const db = openStore(storePath(dataDir));
      const devices = new DeviceRegistry(db);
      const placement = placementOf(site);
      for (const [id, zone] of [
        ['loa-d1', 'thon-dong'],
        ['loa-d2', 'thon-dong'],
        ['loa-d3', 'thon-dong'],
        ['loa-d4', 'thon-dong'],
        ['loa-o1', 'thon-doai'],
        ['loa-o2', 'thon-doai'],
      ] as const) {
        secrets.set(id, (await devices.add({ id, kind: 'speaker', zone }, placement)).secret);
      }
      secrets.set(
        'probe',
        (await devices.add({ id: 'probe', kind: 'rating-button', desk: 'quay-1' }, placement)).secret,
      );
      await new Users(db).add({ name: 'chu-tich', role: 'leader', password: PASSWORD });
      const at = (ms: number) =>
        new Programs({
          db,
          commits: new GroupCommit(db, createLogger('silent')),
          contents: {
            resolve: async (c) => ({
              content: c as never,
              durationMs: (c as { duration_s: number }).duration_s * 1000,
            }),
          },
          timezone: site.site.timezone,
          zones: site.zones.map((z) => z.id),
          now: () => new Date(ms),
        });
      const stream = (duration_s: number) => ({
        kind: 'stream' as const,
        url: 'http://127.0.0.1:9/live',
        duration_s,
      });
      const leader = { name: 'chu-tich', role: 'leader' };
      await at(t0).emergency(
        { title: 'Bão số 9', content: stream(30), zones: ['thon-dong'], confirm: true },
        leader,
      );
      await at(t0 + 10_000).emergency(
        { title: 'Lũ quét', content: stream(4), zones: ['thon-doai'], confirm: true },
        leader,
      );
      db.close();
    }

    hub = hubProcess(env, { id: 'probe', secret: secrets.get('probe')! });
    await hub.start();
    const speaker = (id: string) => {
      const sim = new SimSpeaker({
        url: `mqtt://127.0.0.1:${env.TT_MQTT_PORT}`,
        site: site.site.code,
        id,
        secret: secrets.get(id)!,
        fw: 'sim-1.0.0',
        reconnectPeriodMs: 200,
      });
      speakers.set(id, sim);
      sim.start();
      return sim;
    };
    for (const id of ['loa-d1', 'loa-d2', 'loa-d3', 'loa-o1', 'loa-o2']) speaker(id);
    await until(() => speakers.get('loa-d1')!.playing !== undefined, 'the first program on air', 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(t0 - 50);

    await new Promise((r) => setTimeout(r, 4000));
    await speakers.get('loa-o2')!.stop(); // powered off before its program, which it held
    await hub.kill();
    await new Promise((r) => setTimeout(r, 8000 - (Date.now() - t0)));
    // While the hub is down the speakers air on: the second program starts at t0 + 10 s without it.
    await until(
      () => speakers.get('loa-o1')!.playing !== undefined,
      'the second program aired without the hub',
      10_000,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 16_000 - Date.now())));
    await hub.start();
    const joinedAt = Date.now();
    speaker('loa-d4'); // connects for the first time, 16 s into the first program

    const login = await fetch(`http://127.0.0.1:${httpPort}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'chu-tich', password: PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const api = async (path: string) =>
      (await (
        await fetch(`http://127.0.0.1:${httpPort}/api/v1${path}`, { headers: { cookie } })
      ).json()) as never;

    const onAir: { zones: Array<{ zone: string; offset_s: number }> } = await api('/on-air');
    const dong = onAir.zones.find((z) => z.zone === 'thon-dong')!;
    expect(dong.offset_s).toBeGreaterThan((joinedAt - t0) / 1000 - 2);
    expect(dong.offset_s).toBeLessThan((Date.now() - t0) / 1000 + 1);

    const day = localTime(site.site.timezone, new Date(t0)).date;
    type Entry = {
      speaker: string;
      title: string;
      status: string;
      offset_ms: number | null;
      played_s: number;
    };
    let entries: Entry[] = [];
    await until(
      async () => {
        entries = ((await api(`/play-log?from=${day}&to=${day}`)) as { entries: Entry[] }).entries;
        return entries.length === 6;
      },
      'every airing on every speaker in the play log',
      60_000,
    );
    const byId = new Map(entries.map((e) => [e.speaker, e]));
    for (const id of ['loa-d1', 'loa-d2', 'loa-d3']) {
      expect(byId.get(id)).toMatchObject({ title: 'Bão số 9', status: 'played' });
      expect(Math.abs(byId.get(id)!.offset_ms!)).toBeLessThan(500);
    }
    // The speaker that connected after the restart joined 16-odd seconds in and aired the rest.
    const late = byId.get('loa-d4')!;
    expect(late.status).toBe('partial');
    expect(late.offset_ms!).toBeGreaterThan(joinedAt - t0 - 1000);
    expect(late.played_s).toBeCloseTo(30 - late.offset_ms! / 1000, 0);
    // Aired while the hub was down: its acks came when the hub was back. Powered off: missed.
    expect(byId.get('loa-o1')).toMatchObject({ title: 'Lũ quét', status: 'played' });
    expect(byId.get('loa-o2')).toMatchObject({ title: 'Lũ quét', status: 'missed', offset_ms: null });

    // The same six entries in InfluxDB's broadcast measurement, as Grafana reads them.
    let points: Array<Record<string, unknown>> = [];
    await until(
      async () => {
        points = await influxd!.query('SELECT "speaker", "status" FROM "broadcast"');
        return points.length === 6;
      },
      'six broadcast points in InfluxDB',
      30_000,
    );
    expect(points.map((p) => `${p.speaker} ${p.status}`).sort()).toEqual(
      [...byId.values()].map((e) => `${e.speaker} ${e.status}`).sort(),
    );
  }, 120_000);
});
