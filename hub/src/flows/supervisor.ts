import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { coreNodesLinkDir } from './link-dir.ts';

export type FlowsOptions = {
  /** TT_DATA_DIR: the flows, their credentials and the secret that encrypts them live under it. */
  dataDir: string;
  host: string;
  port: number;
  /** Where the flows process reaches the hub's HTTP API (loopback). */
  hubUrl: string;
  /** The commune's time zone (the site config's), the flows process's own. */
  timezone: string;
  /** Our palette's folder, when it is there. */
  paletteDir?: string;
  /** The hub's event stream for the flows: where, and the integration credentials to read it with. */
  events: {
    site: string;
    mqttUrl: string;
    credentials: () => Promise<{ id: string; secret: string } | undefined>;
  };
  /** The hub user (role `flows`) the palette's nodes act with on the hub's HTTP API, if it has one. */
  api: { credentials: () => Promise<{ user: string; password: string } | undefined> };
  log: Logger;
};

export type FlowsHealth = { running: boolean; pid: number | null; port: number; restarts: number };

/** Waits before a restart: the first after a run that was healthy, longer after each quick death. */
const RESTART_MS = [1000, 2000, 5000, 10_000, 30_000];
/** A process that ran this long counts as healthy: the next death waits the first delay again. */
const HEALTHY_MS = 60_000;
const STOP_GRACE_MS = 10_000;

/**
 * Node-RED as a child process of the hub (docs/flows.md): started with the hub, started again when
 * it dies, stopped with the hub. A child and not in-process, because a technician's flow must never
 * stall or crash the broker and the store, and Node-RED's 100-odd MB should not sit in the hub.
 */
export class FlowsSupervisor {
  readonly #o: FlowsOptions;
  readonly #launcher = fileURLToPath(
    new URL(`./launcher${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
  );
  #child: ChildProcess | undefined;
  #restarts = 0;
  #quickDeaths = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  #eventsEnv: Record<string, string> = {};

  constructor(options: FlowsOptions) {
    this.#o = options;
  }

  get userDir(): string {
    return join(this.#o.dataDir, 'flows');
  }

  async start(): Promise<void> {
    mkdirSync(this.userDir, { recursive: true, mode: 0o700 });
    const secret = join(this.userDir, 'credential-secret');
    if (!existsSync(secret)) writeFileSync(secret, randomBytes(32).toString('hex'), { mode: 0o600 });
    const events = await this.#o.events.credentials();
    const api = await this.#o.api.credentials();
    // Given to the child only: the palette's "this hub" reads them (docs/flows.md).
    this.#eventsEnv = {
      TT_FLOWS_SITE: this.#o.events.site,
      TT_FLOWS_EVENTS_URL: this.#o.events.mqttUrl,
      ...(events ? { TT_FLOWS_EVENTS_ID: events.id, TT_FLOWS_EVENTS_SECRET: events.secret } : {}),
      ...(api ? { TT_FLOWS_API_USER: api.user, TT_FLOWS_API_PASSWORD: api.password } : {}),
    };
    if (!this.#stopping) this.#spawn();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
    });
  }

  health(): FlowsHealth {
    const running =
      this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
    return {
      running,
      pid: running ? (this.#child!.pid ?? null) : null,
      port: this.#o.port,
      restarts: this.#restarts,
    };
  }

  #spawn(): void {
    const { host, port, hubUrl, paletteDir, log } = this.#o;
    const startedAt = Date.now();
    const child = spawn(process.execPath, [this.#launcher], {
      env: {
        PATH: process.env.PATH,
        HOME: this.userDir,
        TT_FLOWS_USER_DIR: this.userDir,
        TT_FLOWS_SECRET_FILE: join(this.userDir, 'credential-secret'),
        TT_FLOWS_HUB_URL: hubUrl,
        TT_FLOWS_HOST: host,
        TT_FLOWS_PORT: String(port),
        // The commune's time: an inject's "every Friday at 13:30" and a flow's dates are its own.
        TZ: this.#o.timezone,
        ...(paletteDir ? { TT_FLOWS_PALETTE_DIR: paletteDir } : {}),
        ...this.#eventsEnv,
      },
      // The IPC channel closes when the hub dies, however it dies: the child then stops too.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.#child = child;
    const relay = (level: 'info' | 'warn') => (chunk: Buffer) => {
      for (const line of String(chunk).split('\n'))
        if (line.trim()) log[level]({ flows: line.trim() }, 'flows');
    };
    child.stdout?.on('data', relay('info'));
    child.stderr?.on('data', relay('warn'));
    // A child that could not start at all ends like one that died: started again, later.
    child.on('error', (err) => {
      log.error({ err }, 'flows process could not start');
      if (child.pid === undefined) child.emit('exit', null, null);
    });
    child.on('exit', (code, signal) => {
      if (this.#stopping) {
        // A process killed at the end (a flow looping) could not tidy up after itself.
        rmSync(coreNodesLinkDir(this.userDir), { recursive: true, force: true });
        return;
      }
      this.#quickDeaths = Date.now() - startedAt >= HEALTHY_MS ? 0 : this.#quickDeaths + 1;
      const waitMs = RESTART_MS[Math.min(this.#quickDeaths, RESTART_MS.length - 1)]!;
      log.warn({ code, signal, waitMs }, 'flows process ended; starting it again');
      this.#timer = setTimeout(() => {
        this.#restarts += 1;
        this.#spawn();
      }, waitMs);
      this.#timer.unref();
    });
  }
}
