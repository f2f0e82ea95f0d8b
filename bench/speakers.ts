/**
 * The radio across a commune's loudspeakers, against the hub as its own process: how closely
 * speakers start on time (simulated ones and real nodes playing through mpv), how fast an
 * emergency reaches 500 of them, and the hub serving one asset to 100 nodes at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localTime } from '../hub/src/config/calendar.ts';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import { storePath } from '../hub/src/main.ts';
import { openStore } from '../hub/src/store/index.ts';
import { Users } from '../hub/src/users/index.ts';
import type { Ack } from '../protocol/index.ts';
import { SimSpeaker } from '../simulators/src/devices.ts';
import { silentWav } from '../tests/helpers/audio.ts';
import { hubProcess } from '../tests/helpers/hub-process.ts';
import { freePort } from '../tests/helpers/net.ts';
import { stopChild } from '../tests/helpers/process.ts';
import { percentile, rssMb } from './measure.ts';

const SIMULATED = Number(process.env.BENCH_SPEAKERS ?? 500);
const TIMED = 100; // simulated speakers whose start accuracy is measured
const REAL = Number(process.env.BENCH_REAL_NODES ?? 5);
const DOWNLOADERS = 100;
const REPEATS = 4; // airings back to back in the timed program: starts per speaker
const PASSWORD = 'mat-khau-bench-2026';

export type SpeakersResult = {
  simulated: number;
  real: number;
  startSim: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
  startReal: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
  emergency: { speakers: number; p50Ms: number; p99Ms: number; maxMs: number };
  asset: { nodes: number; mb: number; wallMs: number; p50Ms: number; p99Ms: number; hubRssPeakMb: number };
};

type Played = { startAt: number; startedAt: number; atMs: number };

export async function benchSpeakers(): Promise<SpeakersResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-speakers-'));
  // The example commune, its broker open to more than its default 500 connections, all from this
  // one address.
  const configPath = join(dir, 'site.yaml');
  writeFileSync(
    configPath,
    `${readFileSync(resolve('provisioning/site.example.yaml'), 'utf8')}\nmqtt_limits:\n  max_connections: 1000\n  max_connections_per_address: 1000\n`,
  );
  const config = loadSiteConfig(configPath);
  const zones = config.zones.map((z) => z.id);
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const env = {
    TT_CONFIG: configPath,
    TT_DATA_DIR: join(dir, 'data'),
    TT_HOST: '127.0.0.1',
    TT_MQTT_PORT: String(mqttPort),
    TT_HTTP_PORT: String(httpPort),
    TT_HTTP_PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
    TT_RADIO_CLOCK: 'trust',
  };
  // The timed speakers (the first TIMED simulated ones and the real nodes) share two zones, where
  // the timed program airs; the other simulated speakers fill the other six, for the emergency.
  const timedZones = zones.slice(0, 2);
  const zoneOf = (index: number) =>
    index < TIMED || index >= SIMULATED ? timedZones[index % 2]! : zones[2 + (index % (zones.length - 2))]!;
  // The speakers and two leaders, written before the hub starts (the secrets hashed eight at a time).
  const ids = [
    ...Array.from({ length: SIMULATED }, (_, i) => `loa-sim-${i}`),
    ...Array.from({ length: REAL }, (_, i) => `loa-mpv-${i}`),
  ];
  const secrets = new Map<string, string>();
  {
    mkdirSync(env.TT_DATA_DIR, { recursive: true });
    const db = openStore(storePath(env.TT_DATA_DIR));
    const registry = new DeviceRegistry(db);
    const placement = placementOf(config);
    for (let i = 0; i < ids.length; i += 8) {
      await Promise.all(
        ids.slice(i, i + 8).map(async (id, j) => {
          const zone = zoneOf(i + j);
          secrets.set(id, (await registry.add({ id, kind: 'speaker', zone }, placement)).secret);
        }),
      );
    }
    secrets.set(
      'probe',
      (await registry.add({ id: 'probe', kind: 'rating-button', desk: 'quay-1' }, placement)).secret,
    );
    const users = new Users(db);
    await users.add({ name: 'chu-tich', role: 'leader', password: PASSWORD });
    await users.add({ name: 'pho-chu-tich', role: 'leader', password: PASSWORD });
    db.close();
  }
  const hub = hubProcess(env, { id: 'probe', secret: secrets.get('probe')! });
  await hub.start();
  const api = `http://127.0.0.1:${httpPort}/api/v1`;
  const login = async (name: string) =>
    (
      await fetch(`${api}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password: PASSWORD }),
      })
    ).headers
      .get('set-cookie')!
      .split(';')[0]!;
  const writer = await login('chu-tich');
  const approver = await login('pho-chu-tich');
  const call = async (cookie: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };

  const sims: SimSpeaker[] = [];
  const nodes: ChildProcess[] = [];
  const played = new Map<string, Played[]>();
  const recordPlaying = (id: string) => (ack: Omit<Ack, 'ts'>, startAt: number | undefined) => {
    if (ack.status !== 'playing' || startAt === undefined) return;
    const list = played.get(id) ?? [];
    list.push({ startAt, startedAt: Date.parse(ack.started_at!), atMs: Date.now() });
    played.set(id, list);
  };
  let pidPeak = 0;
  const sampler = setInterval(() => {
    const pid = hub.pid();
    if (pid) pidPeak = Math.max(pidPeak, rssMb(pid));
  }, 100);
  try {
    // One asset, fetched by 100 nodes at once with their own credentials.
    const wav = silentWav(300, 16_000);
    const upload = await fetch(`${api}/assets?name=ban-tin.wav`, {
      method: 'POST',
      headers: { cookie: writer, 'content-type': 'audio/wav' },
      body: wav,
    });
    const asset = (await upload.json()) as { sha256: string };
    const downloads: number[] = [];
    pidPeak = 0;
    const t0 = performance.now();
    await Promise.all(
      ids.slice(0, DOWNLOADERS).map(async (id) => {
        const started = performance.now();
        const res = await fetch(`${api}/assets/${asset.sha256}/file`, {
          headers: { authorization: `Basic ${Buffer.from(`${id}:${secrets.get(id)}`).toString('base64')}` },
        });
        const bytes = (await res.arrayBuffer()).byteLength;
        if (bytes !== wav.length) throw new Error(`${id} got ${bytes} bytes of ${wav.length}`);
        downloads.push(performance.now() - started);
      }),
    );
    const assetResult = {
      nodes: DOWNLOADERS,
      mb: Math.round((wav.length / 1048576) * 10) / 10,
      wallMs: performance.now() - t0,
      p50Ms: percentile(downloads, 50),
      p99Ms: percentile(downloads, 99),
      hubRssPeakMb: pidPeak,
    };

    // The speakers: simulated ones, then real nodes with two mpv players each.
    for (const id of ids.slice(0, SIMULATED)) {
      const sim = new SimSpeaker({
        url: `mqtt://127.0.0.1:${mqttPort}`,
        site: config.site.code,
        id,
        secret: secrets.get(id)!,
        fw: 'sim-1.0.0',
      });
      const startAts = new Map<string, number>();
      sim.link.onCommand((c) => {
        if (c.type === 'play') startAts.set(c.id, Date.parse(c.start_at));
      });
      const ack = sim.link.ack.bind(sim.link);
      const record = recordPlaying(id);
      sim.link.ack = (a) => {
        record(a, startAts.get(a.id));
        ack(a);
      };
      sims.push(sim);
      sim.start();
    }
    // Real nodes as they run in a village: each its own program (two mpv players, null output).
    for (const id of ids.slice(SIMULATED)) {
      const provision = join(dir, `${id}.thanthien.json`);
      writeFileSync(
        provision,
        JSON.stringify({
          id,
          secret: secrets.get(id),
          kind: 'speaker',
          site: config.site.code,
          mqtt_url: `mqtt://127.0.0.1:${mqttPort}`,
        }),
      );
      const child = spawn(
        process.execPath,
        [
          resolve('firmware/src/speaker/main.ts'),
          '--provision',
          provision,
          '--io',
          'none',
          '--audio',
          'null',
          '--state',
          join(dir, id),
          '--clock',
          'trust',
        ],
        { stdio: 'ignore' },
      );
      nodes.push(child);
    }
    const online = async () =>
      (
        (await call(writer, 'GET', '/devices')) as { devices: Array<{ kind: string; online: boolean }> }
      ).devices.filter((d) => d.kind === 'speaker' && d.online).length;
    for (let waited = 0; (await online()) < ids.length; waited += 500) {
      if (waited > 120_000) throw new Error(`only ${await online()} of ${ids.length} speakers online`);
      await new Promise((r) => setTimeout(r, 500));
    }

    // A priority program (never held in quiet hours) at the next minute at least 25 s away: a 10 s
    // bulletin aired REPEATS times back to back, sent to every speaker ahead.
    const short = (await (
      await fetch(`${api}/assets?name=ban-tin-ngan.wav`, {
        method: 'POST',
        headers: { cookie: writer, 'content-type': 'audio/wav' },
        body: silentWav(10, 16_000),
      })
    ).json()) as { sha256: string };
    const timezone = config.site.timezone;
    const startMs = Math.ceil((Date.now() + 25_000) / 60_000) * 60_000;
    const local = localTime(timezone, new Date(startMs));
    const time = `${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:${String(local.minutes % 60).padStart(2, '0')}`;
    const program = await call(writer, 'POST', '/programs', {
      title: 'Đo độ đúng giờ',
      tier: 'priority',
      zones: timedZones,
      content: { kind: 'audio', asset: short.sha256 },
      schedule: {
        from: local.date,
        time,
        recurrence: { kind: 'once' },
        repeat: { count: REPEATS, gap_min: 0 },
      },
    });
    await call(writer, 'POST', `/programs/${program.id}/submit`);
    await call(approver, 'POST', `/programs/${program.id}/approve`);
    // The hub's play log has each airing's start on each speaker: offset_ms = started_at − start_at.
    const timed = [...ids.slice(0, TIMED), ...ids.slice(SIMULATED)];
    type Entry = { program: number; speaker: string; offset_ms: number | null; status: string };
    let entries: Entry[] = [];
    for (let waited = 0; waited < 120_000; waited += 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      if (Date.now() < startMs + REPEATS * 10_000) continue;
      const log = (await call(
        writer,
        'GET',
        `/play-log?from=${local.date}&to=${local.date}&program=${program.id}`,
      )) as {
        entries: Entry[];
      };
      entries = log.entries;
      if (entries.length >= timed.length * REPEATS) break;
    }
    const errors = (of: readonly string[]) =>
      entries
        .filter((e) => of.includes(e.speaker) && e.offset_ms !== null)
        .map((e) => Math.abs(e.offset_ms!));
    const simErrors = errors(ids.slice(0, TIMED));
    const realErrors = errors(ids.slice(SIMULATED));
    await call(writer, 'POST', `/programs/${program.id}/cancel`);

    // An emergency to every zone: time from the API call to "playing" on each simulated speaker.
    played.clear();
    const called = Date.now();
    await call(approver, 'POST', '/emergency', {
      title: 'Diễn tập khẩn cấp',
      content: { kind: 'stream', url: 'http://127.0.0.1:9/canh-bao', duration_s: 60 },
      zones: 'all',
      confirm: true,
    });
    const reached = () =>
      [...played.entries()]
        .filter(([id]) => id.startsWith('loa-sim-'))
        .map(([, list]) => list[0]!.atMs - called);
    for (let waited = 0; reached().length < SIMULATED && waited < 30_000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    const emergency = reached();

    const summary = (xs: number[]) => ({
      samples: xs.length,
      p50Ms: percentile(xs, 50),
      p99Ms: percentile(xs, 99),
      maxMs: Math.max(...xs),
    });
    return {
      simulated: SIMULATED,
      real: REAL,
      startSim: summary(simErrors),
      startReal: summary(realErrors),
      emergency: {
        speakers: emergency.length,
        p50Ms: percentile(emergency, 50),
        p99Ms: percentile(emergency, 99),
        maxMs: Math.max(...emergency),
      },
      asset: assetResult,
    };
  } finally {
    clearInterval(sampler);
    await Promise.all(sims.map((s) => s.stop()));
    await Promise.all(nodes.map((node) => stopChild(node, 10_000)));
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
