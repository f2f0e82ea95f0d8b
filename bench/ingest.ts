/**
 * Sustained ingest: ratings over MQTT (QoS 1) → the hub's durable outbox → InfluxDB, with zero loss,
 * beside the raw InfluxDB write ceiling measured on the same influxd in the same run.
 * - events/s: from the first publish until every point is queryable in InfluxDB;
 * - latency: a probe box publishes one rating every 100 ms during the load; time from its publish
 *   to the point being queryable (p50, p99);
 * - hub RSS (peak) and CPU (cores used) from /proc.
 * With `outageS`, influxd is stopped for that long once half the ratings are PUBACKed (the middle of
 * the run), then started again on the same port and data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { DeviceRegistry, placementOf } from '../hub/src/devices/index.ts';
import { storePath } from '../hub/src/main.ts';
import { openStore } from '../hub/src/store/index.ts';
import { hubEnv, hubProcess } from '../tests/helpers/hub-process.ts';
import { startInfluxd } from '../tests/helpers/influxd.ts';
import { fillHistory, type History } from './history.ts';
import { BOXES, Boxes, influxOutage, latencyProbe, RATINGS, T0, waitStored } from './load.ts';
import { cpuSeconds, percentile, rssMb } from './measure.ts';
import { Publisher } from './publisher.ts';

/** Longer than the InfluxDB writer's longest backoff: a count still this long means points were lost. */
const HUB_STALL_MS = 40_000;

export type IngestResult = {
  events: number;
  eventsPerS: number;
  /** Ratings/s from the first publish to the last PUBACK: durable in the hub's store. */
  ackedPerS: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  hubRssPeakMb: number;
  hubCores: number;
  lost: number;
  influxCeilingPerS: number;
  /** The hub's event-loop delay over the run (its health's `event_loop`). */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** What the store held before the run, when it was given a year of history. */
  history?: History;
};

export type IngestOptions = {
  /** Stop InfluxDB for this long once half the ratings are PUBACKed. */
  outageS?: number;
  /** Publish at this steady rate (ratings/s over all boxes) instead of as fast as PUBACKs allow. */
  ratePerS?: number;
  /** How many ratings (default RATINGS). */
  events?: number;
  /** Ratings each box has in flight, waiting for their PUBACK (default BENCH_INFLIGHT or 20). */
  inflight?: number;
  /** Start from a store that took in this many ratings over the year before (bench/history.ts). */
  history?: number;
};

export async function benchIngest(options: IngestOptions = {}): Promise<IngestResult> {
  const inflight = options.inflight ?? Number(process.env.BENCH_INFLIGHT ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-ingest-'));
  const influxd = await startInfluxd();
  let outage: Promise<void> = Promise.resolve();
  let load: Boxes | undefined;
  try {
    const configPath = resolve('provisioning/site.example.yaml');
    const config = loadSiteConfig(configPath);
    const store = openStore(storePath(dir));
    const registry = new DeviceRegistry(store);
    const boxes: Array<{ id: string; secret: string }> = [];
    for (let i = 0; i <= BOXES; i++) {
      const id = i === BOXES ? 'btn-probe' : `btn-bench-${i}`;
      const desk = config.desks[i % config.desks.length]!.id;
      boxes.push({
        id,
        secret: (await registry.add({ id, kind: 'rating-button', desk }, placementOf(config))).secret,
      });
    }
    const history = options.history
      ? await fillHistory(
          store,
          config,
          boxes.slice(0, BOXES).map((b) => b.id),
          options.history,
        )
      : undefined;
    store.close();
    const env = await hubEnv(configPath, dir, influxd.url);
    const probeBox = boxes.pop()!;
    const hub = hubProcess(env, probeBox);
    await hub.start();
    const pid = hub.pid()!;
    const site = config.site.code;
    load = await Boxes.connect({ port: Number(env.TT_MQTT_PORT), site, boxes });
    // The probe measures, at the bench's own priority.
    const probe = await Publisher.open(Number(env.TT_MQTT_PORT), {
      clientId: probeBox.id,
      username: probeBox.id,
      password: probeBox.secret,
    });
    const count = async (where = '') =>
      Number(
        (await influxd.query(`SELECT COUNT("score") AS n FROM "rating" ${where}`).catch(() => []))[0]?.n ?? 0,
      );

    const probeRun = await latencyProbe({
      client: probe,
      site,
      id: probeBox.id,
      landed: async (timeMs) => (await count(`WHERE "device" = '${probeBox.id}' AND time = ${timeMs}ms`)) > 0,
      giveUpMs: (options.outageS ?? 0) * 1000 + HUB_STALL_MS,
    });

    let rssPeak = 0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMb(pid));
    }, 200);
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const perBox = Math.ceil((options.events ?? RATINGS) / BOXES);
    await load.publish({ perBox, inflight, ratePerS: options.ratePerS }, () => {
      if (options.outageS) outage = influxOutage(influxd, options.outageS);
    });
    const ackedS = (performance.now() - t0) / 1000;
    const total = perBox * BOXES;
    await outage;
    // A hub that lost points would never reach the total: stop waiting when the count has not
    // grown for longer than the writer's longest backoff (30 s).
    const {
      stored,
      grewAt,
      atGrowth: cpuAtGrowth,
    } = await waitStored(
      () => count(`WHERE "device" != '${probeBox.id}'`),
      total,
      HUB_STALL_MS,
      () => cpuSeconds(pid),
    );
    const seconds = (grewAt - t0) / 1000;
    const cores = (cpuAtGrowth - cpu0) / seconds;
    const { latencies } = await probeRun.stop();
    clearInterval(sampler);
    // The hub's own reading of how long its event loop was held up, over the whole run.
    const loop = ((await hub.health()).event_loop ?? {}) as { p99_ms?: number; max_ms?: number };
    await Promise.all([load.close(), probe.endAsync()]);
    load = undefined;
    await hub.stop();

    // The raw ceiling: batches of 5,000 points in line protocol straight to the same influxd.
    const ceiling = await rawInfluxCeiling(influxd.url, total);
    return {
      events: total,
      eventsPerS: total / seconds,
      ackedPerS: total / ackedS,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      hubRssPeakMb: rssPeak,
      hubCores: cores,
      lost: total - stored,
      influxCeilingPerS: ceiling,
      eventLoopP99Ms: loop.p99_ms ?? Number.NaN,
      eventLoopMaxMs: loop.max_ms ?? Number.NaN,
      history,
    };
  } finally {
    await load?.close();
    await outage.catch(() => {}); // or it would start influxd again after we closed it
    await influxd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawInfluxCeiling(url: string, points: number): Promise<number> {
  await fetch(`${url}/query?q=${encodeURIComponent('CREATE DATABASE ceiling')}`, { method: 'POST' });
  const t0 = performance.now();
  for (let start = 0; start < points; start += 5_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(points, start + 5_000); i++) {
      lines.push(
        `rating,site=xa-tan-lap,desk=quay-${i % 6},device=btn-${i % 20},officer=o${i % 6},misuse=false score=${1 + (i % 4)}i,scale=4i,satisfied=1i,unsatisfied=0i,seq=${i}i,boot="b",misuse_reason="" ${T0 + i}`,
      );
    }
    const res = await fetch(`${url}/write?db=ceiling&precision=ms`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    if (res.status !== 204) throw new Error(`influxd /write answered ${res.status}`);
  }
  return points / ((performance.now() - t0) / 1000);
}
