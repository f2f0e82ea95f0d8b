/** `npm run bench`: every benchmark, printed as a Markdown table for docs/benchmarks.md. */
import { cpus, totalmem } from 'node:os';
import { benchDeskBoard } from './desk-board.ts';
import { benchFlows } from './flows.ts';
import { benchIngest, type IngestResult } from './ingest.ts';
import { RATINGS } from './load.ts';
import { benchPeer, type PeerResult } from './peer.ts';
import { benchRadio } from './radio.ts';
import { benchSpeakers } from './speakers.ts';
import { benchStartup } from './startup.ts';

// The hub is measured on its own: Node-RED (docs/flows.md) is its own process, off here.
process.env.TT_FLOWS = 'off';

/** The hub's CPU time over a run for each rating it took in. */
const cpuPerRatingUs = (r: IngestResult) => (r.hubCores * 1e6) / r.eventsPerS;

/** The radio's on-air engine, on its own: it needs no servers (BENCH_ONLY=radio runs just this). */
async function radioSection(): Promise<void> {
  const r = await benchRadio();
  console.log(`\n## The radio's on-air engine — ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `Command: npm run bench (${r.programs} approved programs over ${r.zones} zones of ${r.speakers / r.zones} speakers, a store on disk; the first look, then ${process.env.BENCH_RADIO_LOOKS ?? 30} looks a simulated minute apart; BENCH_RADIO_PROGRAMS, BENCH_RADIO_LOOKS)\n`,
  );
  console.log('| measure | value |');
  console.log('| --- | ---: |');
  console.log(`| first look: commands sent (six hours of plays and prepares) | ${r.firstLookCommands} |`);
  console.log(`| first look (ms) | ${r.firstLookMs.toFixed(1)} |`);
  console.log(`| a full look, p50 / max (ms) | ${r.lookP50Ms.toFixed(1)} / ${r.lookMaxMs.toFixed(1)} |`);
  console.log(
    `| event loop held, max over all looks (ms, monitorEventLoopDelay) | ${r.eventLoopMaxMs.toFixed(1)} |`,
  );
}

/** The loudspeakers against the hub as its own process (BENCH_ONLY=speakers runs just this). */
async function speakersSection(): Promise<void> {
  const r = await benchSpeakers();
  const row = (name: string, x: { p50Ms: number; p99Ms: number; maxMs: number }, n: string) =>
    console.log(`| ${name} | ${n} | ${x.p50Ms.toFixed(0)} | ${x.p99Ms.toFixed(0)} | ${x.maxMs.toFixed(0)} |`);
  console.log(`\n## Loudspeakers: on time, emergency, downloads — ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `Command: npm run bench (${r.simulated} simulated speakers and ${r.real} real nodes (each its own program, two mpv players, null output) on one hub process; BENCH_SPEAKERS, BENCH_REAL_NODES)\n`,
  );
  console.log('| measure | samples | p50 (ms) | p99 (ms) | max (ms) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  row(
    'start error \\|started_at − start_at\\|, simulated speakers (play log offset_ms)',
    r.startSim,
    String(r.startSim.samples),
  );
  row('start error, real nodes with mpv', r.startReal, String(r.startReal.samples));
  row('emergency API call → `playing` on each simulated speaker', r.emergency, String(r.emergency.speakers));
  console.log(
    `\nOne ${r.asset.mb} MB asset to ${r.asset.nodes} nodes at once, each with its own credentials: all done in ${(r.asset.wallMs / 1000).toFixed(1)} s, each download p50 / p99 ${(r.asset.p50Ms / 1000).toFixed(1)} / ${(r.asset.p99Ms / 1000).toFixed(1)} s, hub RSS peak ${r.asset.hubRssPeakMb.toFixed(0)} MiB.`,
  );
}

/** Flows beside the hub (BENCH_ONLY=flows runs just this). */
async function flowsSection(): Promise<void> {
  const r = await benchFlows();
  console.log(`\n## Flows beside the hub — ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `Command: npm run bench (the hub as its own process with Node-RED as its child, a flow \`thanthien in\` → \`http request\` to a local receiver; ${r.presses} ratings, one every 50 ms; BENCH_FLOW_PRESSES)\n`,
  );
  console.log('| measure | value |');
  console.log('| --- | ---: |');
  console.log(`| ratings out of the flow | ${r.received} of ${r.presses} |`);
  console.log(
    `| PUBACK → the flow's output, p50 / p99 / max (ms) | ${r.toOutput.p50Ms.toFixed(0)} / ${r.toOutput.p99Ms.toFixed(0)} / ${r.toOutput.maxMs.toFixed(0)} |`,
  );
  console.log(`| hub RSS idle with TT_FLOWS=off (MiB) | ${r.hubRssMb.flowsOff.toFixed(1)} |`);
  console.log(
    `| hub RSS with flows on, idle / after (MiB) | ${r.hubRssMb.idle.toFixed(1)} / ${r.hubRssMb.after.toFixed(1)} |`,
  );
  console.log(
    `| Node-RED (flows process) RSS, idle / after (MiB) | ${r.flowsRssMb.idle.toFixed(1)} / ${r.flowsRssMb.after.toFixed(1)} |`,
  );
}

if (process.env.BENCH_ONLY === 'flows') {
  await flowsSection();
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'radio') {
  await radioSection();
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'speakers') {
  await speakersSection();
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'ingest') {
  await ingestRunsSection();
  process.exit(0);
}
const startup = await benchStartup();
console.log(`## Start-up and idle memory — ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(`Command: npm run bench (medians of ${process.env.BENCH_RUNS ?? 5} runs)\n`);
console.log('| server | start → first MQTT connection accepted (ms) | RSS with 50 idle clients (MiB) |');
console.log('| --- | ---: | ---: |');
for (const [name, r] of Object.entries(startup)) {
  console.log(`| ${name} | ${r.startMs.toFixed(0)} | ${Number.isNaN(r.rssMb) ? '—' : r.rssMb.toFixed(1)} |`);
}
const hub = startup['hub via node']!;
const mosq = startup['mosquitto 2 (password file, 50 users)']!;
console.log(
  `\nRatios hub (node) / mosquitto (password file): start ${(hub.startMs / mosq.startMs).toFixed(1)}×, RSS ${(hub.rssMb / mosq.rssMb).toFixed(1)}×`,
);

/**
 * The full-speed ingest runs, each printed: a run varies from the next on a shared machine, so the
 * median of several, with the range (BENCH_ONLY=ingest runs just these).
 */
async function ingestRunsSection(): Promise<IngestResult> {
  const runs: IngestResult[] = [];
  for (let i = 0; i < Number(process.env.BENCH_INGEST_RUNS ?? 3); i++) runs.push(await benchIngest());
  const median = [...runs].sort((a, b) => a.eventsPerS - b.eventsPerS)[Math.floor(runs.length / 2)]!;
  const range = (pick: (r: IngestResult) => number, digits = 0) =>
    runs.map((r) => pick(r).toFixed(digits)).join(', ');
  console.log(`\n## Ingest: MQTT → durable outbox → InfluxDB — ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `Command: npm run bench (${median.events} ratings from 20 boxes, QoS 1, ${process.env.BENCH_INFLIGHT ?? 20} in flight per box; BENCH_EVENTS, BENCH_INFLIGHT; the median of ${runs.length} runs, BENCH_INGEST_RUNS)\n`,
  );
  console.log(
    `Every run, ratings/s publish → queryable: ${range((r) => r.eventsPerS)}; peak RSS (MiB): ${range((r) => r.hubRssPeakMb, 1)};`,
  );
  console.log(
    `event loop p99 / max (ms): ${runs.map((r) => `${r.eventLoopP99Ms} / ${r.eventLoopMaxMs}`).join(', ')}; lost: ${range((r) => r.lost)};`,
  );
  // Steadier than ratings/s on a shared host: what the hub spent, whatever the others took.
  console.log(`hub CPU per rating (µs): ${range(cpuPerRatingUs, 1)}\n`);
  return median;
}

const ingest = await ingestRunsSection();
console.log('| measure | value |');
console.log('| --- | ---: |');
console.log(`| hub: ratings/s, publish → all queryable in InfluxDB | ${ingest.eventsPerS.toFixed(0)} |`);
console.log(
  `| hub: ratings/s, publish → PUBACK (durable in the hub's store) | ${ingest.ackedPerS.toFixed(0)} |`,
);
console.log(
  `| raw InfluxDB write ceiling, same influxd (points/s, batches of 5,000) | ${ingest.influxCeilingPerS.toFixed(0)} |`,
);
console.log(`| ratio hub / ceiling | ${(ingest.eventsPerS / ingest.influxCeilingPerS).toFixed(3)} |`);
console.log(
  `| latency publish → queryable, p50 / p99 (ms) | ${ingest.latencyP50Ms.toFixed(0)} / ${ingest.latencyP99Ms.toFixed(0)} |`,
);
console.log(`| hub RSS, peak (MiB) | ${ingest.hubRssPeakMb.toFixed(1)} |`);
console.log(`| hub CPU (cores used) | ${ingest.hubCores.toFixed(2)} |`);
console.log(`| hub CPU per rating (µs) | ${cpuPerRatingUs(ingest).toFixed(1)} |`);
console.log(`| ratings lost | ${ingest.lost} |`);
console.log(
  `| hub event loop held up, p99 / max (ms, monitorEventLoopDelay) | ${ingest.eventLoopP99Ms} / ${ingest.eventLoopMaxMs} |`,
);
const steady = await benchIngest({ ratePerS: 1_000, events: 20_000 });
console.log(
  `| at a steady 1,000 ratings/s: latency publish → queryable, p50 / p99 (ms) | ${steady.latencyP50Ms.toFixed(0)} / ${steady.latencyP99Ms.toFixed(0)} |`,
);
console.log(
  `| at a steady 1,000 ratings/s: hub RSS peak (MiB), CPU (cores), event loop max (ms) | ${steady.hubRssPeakMb.toFixed(1)}, ${steady.hubCores.toFixed(2)}, ${steady.eventLoopMaxMs} |`,
);
// The same full-speed run on a store that has served a year (bench/history.ts).
const aged = await benchIngest({ history: RATINGS });
const year = aged.history!;
console.log(
  `| on a store holding a year (${year.ratings} ratings, ${year.alerts} alerts, ${year.open} open): ratings/s, event loop max (ms), peak RSS (MiB), lost | ${aged.eventsPerS.toFixed(0)}, ${aged.eventLoopMaxMs}, ${aged.hubRssPeakMb.toFixed(1)}, ${aged.lost} |`,
);

// The peer a commune would otherwise build, under the same load, then both with InfluxDB stopped for
// BENCH_OUTAGE_S in the middle of the run.
const outageS = Number(process.env.BENCH_OUTAGE_S ?? 30);
const peer = await benchPeer();
const hubOutage = await benchIngest({ outageS });
const peerOutage = await benchPeer({ outageS });
const sideBySide = (hub: IngestResult, peer: PeerResult) => {
  const errors = Object.entries(peer.noderedErrors)
    .map(([message, n]) => `${n} × ${message}`)
    .join('; ');
  console.log('| measure | hub | Mosquitto + Node-RED |');
  console.log('| --- | ---: | ---: |');
  console.log(
    `| ratings/s, publish → queryable in InfluxDB (those that landed) | ${hub.eventsPerS.toFixed(0)} | ${peer.eventsPerS.toFixed(0)} |`,
  );
  console.log(
    `| ratings lost (counted in InfluxDB) | ${hub.lost} of ${hub.events} | ${peer.lost} of ${peer.events} |`,
  );
  console.log(
    `| latency publish → queryable, p50 / p99 (ms) | ${hub.latencyP50Ms.toFixed(0)} / ${hub.latencyP99Ms.toFixed(0)} | ${peer.latencyP50Ms.toFixed(0)} / ${peer.latencyP99Ms.toFixed(0)} (${peer.probesLost} probes lost) |`,
  );
  console.log(
    `| RSS, peak (MiB) | ${hub.hubRssPeakMb.toFixed(1)} | ${peer.rssPeakMb.toFixed(1)} (Mosquitto ${peer.mosquittoRssPeakMb.toFixed(1)}, Node-RED ${peer.noderedRssPeakMb.toFixed(1)}) |`,
  );
  console.log(
    `| CPU (cores used) | ${hub.hubCores.toFixed(2)} | ${peer.cores.toFixed(2)} (Mosquitto ${peer.mosquittoCores.toFixed(2)}, Node-RED ${peer.noderedCores.toFixed(2)}) |`,
  );
  console.log(`| dropped by Mosquitto (queue to Node-RED full) | — | ${peer.mosquittoDropped} |`);
  console.log(`| Node-RED errors (failed writes) | — | ${errors || 'none'} |`);
};
console.log(
  `\n## Hub vs Mosquitto + Node-RED + node-red-contrib-influxdb — ${new Date().toISOString().slice(0, 10)}`,
);
console.log(
  `Command: npm run bench (${ingest.events} ratings from 20 boxes, QoS 1, ${process.env.BENCH_INFLIGHT ?? 20} in flight per box, each side with its own influxd)\n`,
);
sideBySide(ingest, peer);
console.log(`\n## The same with InfluxDB stopped for ${outageS} s in the middle of the run`);
console.log(
  `Command: BENCH_OUTAGE_S=${outageS} npm run bench (influxd stopped once half the ratings are PUBACKed, started again on the same port and data)\n`,
);
sideBySide(hubOutage, peerOutage);

const board = await benchDeskBoard();
console.log(`\n## Live desk board: sensor flip → on screen — ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `Command: npm run bench (${board.flips} flips of a simulated sensor over MQTT, ${board.screens} chromium screens watching)\n`,
);
console.log('| measure | p50 (ms) | p99 (ms) |');
console.log('| --- | ---: | ---: |');
console.log(
  `| flip → PUBACK (report durable in the hub's store) | ${board.ackP50Ms.toFixed(0)} | ${board.ackP99Ms.toFixed(0)} |`,
);
console.log(
  `| flip → card changed on every screen | ${board.screenP50Ms.toFixed(0)} | ${board.screenP99Ms.toFixed(0)} (max ${board.screenMaxMs.toFixed(0)}) |`,
);
await radioSection();
await speakersSection();
await flowsSection();
process.exit(0);
