/**
 * The peer a commune would otherwise build: Mosquitto + Node-RED (node-red-contrib-influxdb) writing to
 * InfluxDB, under the load of bench/ingest.ts: 20 boxes, QoS 1, 20 in flight each, the same topics
 * and payloads, and the same measures (ratings/s publish → queryable, ratings lost as counted in
 * InfluxDB, probe latency p50/p99, peak RSS and CPU of Mosquitto + Node-RED).
 *
 * Mosquitto checks a password file (like bench/startup.ts), with the boxes' credentials and one for
 * Node-RED. Node-RED runs as its own process (its `node-red` CLI, red.js) with a flow written as JSON:
 * `mqtt in` → `function` (rating JSON → point) → `influxdb out`, what a commune's IT person would wire.
 * The peer may lose points: we stop waiting when InfluxDB's count has not grown for 10 s.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { loadSiteConfig } from '../hub/src/config/index.ts';
import { startInfluxd } from '../tests/helpers/influxd.ts';
import { freePort } from '../tests/helpers/net.ts';
import { stopChild } from '../tests/helpers/process.ts';
import { BOXES, Boxes, influxOutage, latencyProbe, RATINGS, waitStored } from './load.ts';
import { cpuSeconds, percentile, rssMb } from './measure.ts';
import { Publisher } from './publisher.ts';

const STALL_MS = 10_000;
const PROBE = 'btn-probe';

export type PeerResult = {
  events: number;
  /** Ratings queryable in InfluxDB per second, from the first publish to the last one that landed. */
  eventsPerS: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Probe ratings that never became queryable (no latency for them). */
  probesLost: number;
  rssPeakMb: number;
  mosquittoRssPeakMb: number;
  noderedRssPeakMb: number;
  cores: number;
  mosquittoCores: number;
  noderedCores: number;
  lost: number;
  /** Why: Node-RED's error lines by message, and what Mosquitto says it dropped. */
  noderedErrors: Record<string, number>;
  mosquittoDropped: number;
};

/** What a commune's IT person would write in the function node: one rating → one InfluxDB point. */
function ratingToPoint(desks: Record<string, string>): string {
  return `// thanthien/v1/<site>/dev/<device>/evt/rating, payload parsed as JSON by the mqtt in node
const DESKS = ${JSON.stringify(desks)};
const [, , site, , device] = msg.topic.split('/');
const r = msg.payload;
// Unsatisfied: 1 (1-2 on a 5-button box); satisfied: the two best grades.
const unsatisfied = r.score <= (r.scale === 5 ? 2 : 1) ? 1 : 0;
const satisfied = r.score >= r.scale - 1 ? 1 : 0;
msg.payload = [
  { score: r.score, scale: r.scale, satisfied, unsatisfied, seq: r.seq, boot: r.boot, time: new Date(r.ts) },
  { site, desk: DESKS[device] || 'unknown', device },
];
return msg;`;
}

/** The flow as Node-RED stores it in flows.json (ids are any unique strings). */
function peerFlow(o: { mqttPort: number; influxPort: number; desks: Record<string, string> }) {
  return [
    { id: 'tab', type: 'tab', label: 'Ratings → InfluxDB' },
    {
      id: 'broker',
      type: 'mqtt-broker',
      name: 'mosquitto',
      broker: '127.0.0.1',
      port: String(o.mqttPort),
      clientid: 'nodered-ratings',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoUnsubscribe: true,
    },
    {
      id: 'influx',
      type: 'influxdb',
      hostname: '127.0.0.1',
      port: String(o.influxPort),
      protocol: 'http',
      database: 'thanthien',
      name: 'influxd',
      usetls: false,
      influxdbVersion: '1.x',
    },
    {
      id: 'ratings-in',
      type: 'mqtt in',
      z: 'tab',
      name: 'ratings',
      topic: 'thanthien/v1/+/dev/+/evt/rating',
      qos: '1',
      datatype: 'json',
      broker: 'broker',
      inputs: 0,
      wires: [['to-point']],
    },
    {
      id: 'to-point',
      type: 'function',
      z: 'tab',
      name: 'rating → point',
      func: ratingToPoint(o.desks),
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: '',
      finalize: '',
      libs: [],
      wires: [['influx-out']],
    },
    {
      id: 'influx-out',
      type: 'influxdb out',
      z: 'tab',
      influxdb: 'influx',
      name: 'rating',
      measurement: 'rating',
      precision: 'ms',
      retentionPolicy: '',
      wires: [],
    },
  ];
}

export async function benchPeer(options: { outageS?: number } = {}): Promise<PeerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-peer-'));
  const influxd = await startInfluxd();
  let mosquitto: ChildProcess | undefined;
  let nodered: ChildProcess | undefined;
  const clients: Array<MqttClient | Publisher | Boxes> = [];
  let probeRun: Awaited<ReturnType<typeof latencyProbe>> | undefined;
  let outage: Promise<void> = Promise.resolve();
  try {
    const config = loadSiteConfig(resolve('provisioning/site.example.yaml'));
    const site = config.site.code;
    // The same boxes at the same desks as bench/ingest.ts, with secrets of their own.
    const boxes = Array.from({ length: BOXES + 1 }, (_, i) => ({
      id: i === BOXES ? PROBE : `btn-bench-${i}`,
      desk: config.desks[i % config.desks.length]!.id,
      secret: randomBytes(16).toString('base64url'),
    }));
    const noderedUser = { id: 'nodered', secret: randomBytes(16).toString('base64url') };

    // Mosquitto with a password file, hashed by its own tool; $SYS every second to read drops.
    const passwd = join(dir, 'mosquitto.passwd');
    writeFileSync(passwd, [...boxes, noderedUser].map((u) => `${u.id}:${u.secret}\n`).join(''));
    execFileSync('mosquitto_passwd', ['-U', passwd]);
    const mqttPort = await freePort();
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      // Run as the bench's own user: mosquitto started as root drops to "mosquitto", which cannot
      // read the private temp dir.
      `user ${userInfo().username}\nlistener ${mqttPort} 127.0.0.1\nallow_anonymous false\npassword_file ${passwd}\npersistence false\nsys_interval 1\n`,
    );
    mosquitto = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });

    // The database a commune's IT person creates once; Node-RED's influxdb node does not.
    await fetch(`${influxd.url}/query?q=${encodeURIComponent('CREATE DATABASE thanthien')}`, {
      method: 'POST',
    });

    // Node-RED: its own userDir, settings and flow; the influxdb nodes are found in our node_modules.
    const desks = Object.fromEntries(boxes.map((b) => [b.id, b.desk]));
    writeFileSync(
      join(dir, 'flows.json'),
      JSON.stringify(peerFlow({ mqttPort, influxPort: influxd.port, desks }), null, 2),
    );
    // credentialSecret false: the credentials file is plain JSON, so we can write it.
    writeFileSync(
      join(dir, 'flows_cred.json'),
      JSON.stringify({ broker: { user: noderedUser.id, password: noderedUser.secret } }),
    );
    writeFileSync(
      join(dir, 'settings.js'),
      `module.exports = ${JSON.stringify({
        flowFile: 'flows.json',
        credentialSecret: false,
        uiHost: '127.0.0.1',
        uiPort: await freePort(),
        telemetry: { enabled: false },
        externalModules: { palette: { allowInstall: false } },
        logging: { console: { level: 'info', metrics: false, audit: false } },
      })};\n`,
    );
    const noderedErrors: Record<string, number> = {};
    nodered = spawn(
      process.execPath,
      [resolve('node_modules/node-red/red.js'), '--userDir', dir, '--settings', join(dir, 'settings.js')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error('Node-RED did not connect within 60 s')), 60_000);
      let log = '';
      nodered!.stderr!.on('data', (d) => (log += d));
      nodered!.once('exit', (code) => fail(new Error(`Node-RED exited with ${code}: ${log}`)));
      let pending = '';
      nodered!.stdout!.on('data', (d: Buffer) => {
        pending += d;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          if (line.includes('Connected to broker')) {
            clearTimeout(timer);
            ready();
          }
          // "22 Nov 10:00:00 - [error] [influxdb out:rating] Error: …": one line per failed write.
          const error = /\[error\] \[[^\]]*\] (.*)$/.exec(line)?.[1];
          if (error) noderedErrors[error.slice(0, 80)] = (noderedErrors[error.slice(0, 80)] ?? 0) + 1;
        }
      });
    });
    const pids = { mosquitto: mosquitto.pid!, nodered: nodered.pid! };

    const login = (b: { id: string; secret: string }) => ({
      clientId: b.id,
      username: b.id,
      password: b.secret,
    });
    const connect = (b: { id: string; secret: string }) => Publisher.open(mqttPort, login(b));
    const probeBox = boxes.pop()!;
    const boxLoad = await Boxes.connect({ port: mqttPort, site, boxes });
    clients.push(boxLoad);
    const probe = await connect(probeBox);
    clients.push(probe);
    const monitor = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, login(noderedUser));
    clients.push(monitor);
    let mosquittoDropped = 0;
    monitor.on('message', (_topic, payload) => {
      mosquittoDropped = Number(payload.toString());
    });
    await monitor.subscribeAsync('$SYS/broker/publish/messages/dropped');

    const count = async (where: string) =>
      Number(
        (await influxd.query(`SELECT COUNT("score") AS n FROM "rating" WHERE ${where}`).catch(() => []))[0]
          ?.n ?? 0,
      );
    probeRun = await latencyProbe({
      client: probe,
      site,
      id: probeBox.id,
      landed: async (timeMs) => (await count(`"device" = '${probeBox.id}' AND time = ${timeMs}ms`)) > 0,
      // Given up on after the outage and 10 s more, as lost.
      giveUpMs: (options.outageS ?? 0) * 1000 + STALL_MS,
      // Node-RED subscribes after its CONNACK: up when a rating goes all the way through.
      warmUpMs: 30_000,
    });

    const peaks = { total: 0, mosquitto: 0, nodered: 0 };
    const sampler = setInterval(() => {
      const [m, n] = [rssMb(pids.mosquitto), rssMb(pids.nodered)];
      peaks.total = Math.max(peaks.total, m + n);
      peaks.mosquitto = Math.max(peaks.mosquitto, m);
      peaks.nodered = Math.max(peaks.nodered, n);
    }, 200);
    const cpu0 = { mosquitto: cpuSeconds(pids.mosquitto), nodered: cpuSeconds(pids.nodered) };
    const t0 = performance.now();
    const perBox = Math.ceil(RATINGS / BOXES);
    const total = perBox * BOXES;
    // The outage starts in the middle of the run: once half the ratings are PUBACKed.
    await boxLoad.publish({ perBox, inflight: Number(process.env.BENCH_INFLIGHT ?? 20) }, () => {
      if (options.outageS) outage = influxOutage(influxd, options.outageS);
    });
    // InfluxDB's count means nothing while it is down; wait for it to be back, then for the count
    // to reach the total or to stop growing.
    await outage;
    const load = `"device" =~ /^btn-bench-/`;
    const { stored, grewAt, atGrowth } = await waitStored(
      () => count(load),
      total,
      STALL_MS,
      () => ({
        mosquitto: cpuSeconds(pids.mosquitto),
        nodered: cpuSeconds(pids.nodered),
      }),
    );
    const seconds = (grewAt - t0) / 1000;
    const cpu = {
      mosquitto: (atGrowth.mosquitto - cpu0.mosquitto) / seconds,
      nodered: (atGrowth.nodered - cpu0.nodered) / seconds,
    };
    const { latencies, lost: probesLost } = await probeRun.stop();
    clearInterval(sampler);
    return {
      events: total,
      eventsPerS: stored / seconds,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      probesLost,
      rssPeakMb: peaks.total,
      mosquittoRssPeakMb: peaks.mosquitto,
      noderedRssPeakMb: peaks.nodered,
      cores: cpu.mosquitto + cpu.nodered,
      mosquittoCores: cpu.mosquitto,
      noderedCores: cpu.nodered,
      lost: total - stored,
      noderedErrors,
      mosquittoDropped,
    };
  } finally {
    await probeRun?.stop();
    await outage.catch(() => {}); // or it would start influxd again after we closed it
    await Promise.all(clients.map((c) => (c instanceof Boxes ? c.close() : c.endAsync())));
    await stopChild(nodered);
    await stopChild(mosquitto);
    await influxd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
