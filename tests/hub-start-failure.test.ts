import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thanthien } from './helpers/cli.ts';
import { EXAMPLE_CONFIG, startTestHub, until } from './helpers/hub.ts';
import { freePort } from './helpers/net.ts';

// A hub that cannot have its ports stops at once, cleanly, with a reason, so that systemd sees it
// end and restarts it; one that is up says in its health that the broker is. And a hub started by
// `npm start` goes when npm goes.

let dataDir: string;
let squatter: Server;
let busyPort: number;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tt-start-'));
  squatter = createServer();
  busyPort = await new Promise<number>((done) =>
    squatter.listen(0, '127.0.0.1', () => done((squatter.address() as { port: number }).port)),
  );
});

afterAll(async () => {
  await new Promise((done) => squatter.close(done));
  rmSync(dataDir, { recursive: true, force: true });
});

const refused = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });

describe('a start that cannot have its ports', () => {
  it('exits non-zero with a bilingual reason, leaving nothing listening and nothing written', async () => {
    const httpPort = await freePort();
    const run = await thanthien(['hub'], {
      TT_CONFIG: EXAMPLE_CONFIG,
      TT_DATA_DIR: dataDir,
      TT_HOST: '127.0.0.1',
      TT_HTTP_PORT: String(httpPort),
      TT_MQTT_PORT: String(busyPort),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Lỗi [TT_PORT_BUSY]: cổng đang bị chương trình khác dùng: 127.0.0.1:${busyPort} (TT_MQTT_PORT)`,
    );
    expect(run.stderr).toContain(
      `Error [TT_PORT_BUSY]: port is in use: 127.0.0.1:${busyPort} (TT_MQTT_PORT)`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await refused(httpPort)).toBe(true);
    // Nothing of a store was made; the directory is free for the next start.
    expect(existsSync(join(dataDir, 'hub.sqlite'))).toBe(false);
    const hub = await startTestHub({ TT_DATA_DIR: dataDir });
    try {
      expect(hub.health().mqtt).toEqual({
        running: true,
        port: hub.mqttPort,
        tls_port: null,
        websocket: '/mqtt',
        clients: 0,
      });
    } finally {
      await hub.close();
    }
  });
});

describe('npm start', () => {
  it('takes the hub with it when npm is killed', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: resolve('.'),
      env: {
        ...process.env,
        TT_CONFIG: EXAMPLE_CONFIG,
        TT_DATA_DIR: dataDir,
        TT_HOST: '127.0.0.1',
        TT_HTTP_PORT: String(httpPort),
        TT_MQTT_PORT: String(mqttPort),
        TT_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      const health = () =>
        fetch(`http://127.0.0.1:${httpPort}/api/v1/health`).then(
          (res) => res.ok,
          () => false,
        );
      await until(health, 'the hub up', 30_000);
      npm.kill('SIGKILL');
      // npm cannot pass a SIGKILL on: the hub notices that its parent went away.
      await until(() => refused(httpPort), 'the hub gone with npm', 20_000);
      await until(() => refused(mqttPort), 'the broker gone too', 20_000);
    } finally {
      npm.kill('SIGKILL');
      // A hub that failed to go would hold the directory: it says who it is beside its lock.
      const owner = join(dataDir, 'hub.owner.json');
      if (existsSync(owner)) {
        try {
          process.kill(JSON.parse(readFileSync(owner, 'utf8')).pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  });
});
