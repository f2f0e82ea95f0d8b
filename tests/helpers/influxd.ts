import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.ts';

/** Debian's influxd (InfluxDB 1.x) on free loopback ports with its own temporary data directory. */
export type Influxd = {
  url: string;
  port: number;
  /** The backup and restore service (`influxd backup -host`). */
  rpc: string;
  /** InfluxQL over the HTTP API, as Grafana asks it. */
  query: (q: string, db?: string) => Promise<Array<Record<string, unknown>>>;
  /** Stop the server, keeping its data (an outage). */
  stop: () => Promise<void>;
  /** Start it again on the same port and data. */
  start: () => Promise<void>;
  /** Stop and remove everything. */
  close: () => Promise<void>;
};

export async function startInfluxd(): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-influxd-'));
  const [port, rpcPort] = [await freePort(), await freePort()];
  const config = join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
[logging]
  level = "warn"
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
`,
  );
  let child: ChildProcess | undefined;
  const url = `http://127.0.0.1:${port}`;

  const start = async () => {
    child = spawn('influxd', ['-config', config], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${url}/ping`).then(
        (r) => r.status === 204,
        () => false,
      );
      if (ok) return;
      if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('influxd did not answer /ping within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
      setTimeout(() => running.kill('SIGKILL'), 10_000).unref();
    });
  };
  // Plain HTTP on kept-alive connections: the benches' latency probe asks every few ms, and fetch
  // cost it 0.77 ms of CPU a query against 0.29 here (docs/benchmarks.md), taken from the cores the
  // hub under test shares with it.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const query = (q: string, db = 'thanthien') =>
    new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
      const path = `/query?db=${encodeURIComponent(db)}&epoch=ms&q=${encodeURIComponent(q)}`;
      const req = request(`${url}${path}`, { agent }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('error', reject);
        response.on('end', () => {
          try {
            resolve(rows(JSON.parse(text)));
          } catch (err) {
            reject(err);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
  const rows = (body: {
    results?: Array<{
      series?: Array<{ columns: string[]; values: unknown[][]; tags?: Record<string, string> }>;
      error?: string;
    }>;
    error?: string;
  }) => {
    const result = body.results?.[0];
    if (!result) throw new Error(body.error ?? 'influxd answered no result');
    if (result.error) throw new Error(result.error);
    return (result.series ?? []).flatMap((series) =>
      series.values.map((row) => ({
        ...series.tags,
        ...Object.fromEntries(series.columns.map((c, i) => [c, row[i]])),
      })),
    );
  };

  await start();
  return {
    url,
    port,
    rpc: `127.0.0.1:${rpcPort}`,
    query,
    stop,
    start,
    close: async () => {
      await stop();
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
