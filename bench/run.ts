/** `npm run bench`: every benchmark, printed as a Markdown table for docs/benchmarks.md. */
import { cpus, totalmem } from 'node:os';
import { benchStartup } from './startup.ts';

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
process.exit(0);
