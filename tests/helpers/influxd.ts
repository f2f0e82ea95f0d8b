import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  const query = async (q: string, db = 'thanthien') => {
    const response = await fetch(
      `${url}/query?db=${encodeURIComponent(db)}&epoch=ms&q=${encodeURIComponent(q)}`,
    );
    const body = (await response.json()) as {
      results: Array<{
        series?: Array<{ columns: string[]; values: unknown[][]; tags?: Record<string, string> }>;
        error?: string;
      }>;
    };
    const result = body.results[0]!;
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
