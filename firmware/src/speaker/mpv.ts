import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a loaded program ended in the player. */
export type EndReason = 'eof' | 'stop' | 'error';

export type MpvEvents = {
  /**
   * The loaded program ended: played to its end, stopped, or the player could not play it, with
   * the seconds of content it sounded by the player's own clock (to its end: the length mpv read).
   */
  ended: [reason: EndReason, playedS: number, error?: string];
  /** The player process is gone (it crashed or was killed): what it played has stopped. */
  exit: [code: number | null];
};

export type MpvOptions = {
  /** The mpv program (Debian's `mpv`). */
  command?: string;
  /** mpv's audio output: `alsa` on the node, `null` in tests (it keeps real time, without sound). */
  audioOutput?: string;
  /** More mpv options, e.g. `--audio-device=alsa/plughw:1`. */
  args?: readonly string[];
  /** A name for the IPC socket, unique per player on the machine. */
  name?: string;
};

type Pending = { resolve: (data: unknown) => void; reject: (err: Error) => void };

/** The program loaded in the player, and what waits on its loading and on its sound starting. */
type Loaded = {
  ready: Pending;
  started?: Pending;
  playing: boolean;
  offsetS: number;
  durationS?: number;
  positionS: number;
  /** mpv's id for it in its playlist: an end before it is known belongs to an earlier load. */
  entryId?: number;
};

const START_TIMEOUT_MS = 10_000;
const LOAD_TIMEOUT_MS = 15_000;

/**
 * One mpv process, driven over its JSON IPC socket: a program is loaded paused at its offset, so
 * that starting it at its moment is only an unpause — no process to start, no decoder to open.
 * mpv says when sound started (its core stops idling) and how the program ended.
 */
export class MpvPlayer extends EventEmitter<MpvEvents> {
  readonly #options: Required<Omit<MpvOptions, 'name'>> & { socket: string };
  #process: ChildProcess | undefined;
  #socket: Socket | undefined;
  #buffer = '';
  #nextRequest = 1;
  readonly #pending = new Map<number, Pending>();
  #loaded: Loaded | undefined;
  /** Ends that came before the answer to the load that names their entry. */
  readonly #unclaimedEnds = new Map<number, { reason: EndReason; error: string | undefined }>();

  constructor(options: MpvOptions = {}) {
    super();
    const name = options.name ?? `tt-mpv-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.#options = {
      command: options.command ?? 'mpv',
      audioOutput: options.audioOutput ?? 'alsa',
      args: options.args ?? [],
      socket: join(tmpdir(), `${name}.sock`),
    };
  }

  /** Start mpv idle and connect to it. */
  async start(): Promise<void> {
    const { command, audioOutput, args, socket } = this.#options;
    rmSync(socket, { force: true });
    const child = spawn(
      command,
      [
        '--idle=yes',
        '--no-video',
        '--no-terminal',
        '--no-config',
        `--ao=${audioOutput}`,
        `--input-ipc-server=${socket}`,
        ...args,
      ],
      { stdio: 'ignore' },
    );
    this.#process = child;
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`${command} could not start: ${err.message}`)));
    });
    child.once('exit', (code) => {
      this.#process = undefined;
      this.#socket?.destroy();
      this.#socket = undefined;
      this.#failAll(new Error(`mpv exited (${code})`));
      this.emit('exit', code);
    });
    await spawned;
    this.#socket = await connectWhenListening(socket, START_TIMEOUT_MS);
    this.#socket.setEncoding('utf8');
    this.#socket.on('data', (chunk: string) => this.#read(chunk));
    this.#socket.on('error', () => {});
    await this.#command(['observe_property', 1, 'core-idle']);
    await this.#command(['observe_property', 2, 'playback-time']);
    await this.#command(['observe_property', 3, 'duration']);
  }

  /** Stop mpv. */
  async close(): Promise<void> {
    const child = this.#process;
    this.#socket?.destroy();
    if (child) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.#options.socket, { force: true });
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  /** The mpv process id, while it runs. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /**
   * Load `source` (a file or an http(s) stream) paused, `offsetS` into it; resolves when the
   * player stands ready to sound at once.
   */
  load(source: string, offsetS = 0): Promise<void> {
    this.#loaded?.ready.reject(new Error('replaced by another load'));
    const ready = new Promise<void>((resolve, reject) => {
      this.#loaded = {
        ready: { resolve: () => resolve(), reject },
        playing: false,
        offsetS,
        positionS: offsetS,
      };
    });
    const options = [`pause=yes`, ...(offsetS > 0 ? [`start=${offsetS.toFixed(3)}`] : [])].join(',');
    const loaded = this.#loaded!;
    this.#unclaimedEnds.clear();
    void this.#command(['loadfile', source, 'replace', options]).then(
      (data) => {
        loaded.entryId = (data as { playlist_entry_id?: number } | undefined)?.playlist_entry_id;
        const ended = loaded.entryId === undefined ? undefined : this.#unclaimedEnds.get(loaded.entryId);
        this.#unclaimedEnds.clear();
        if (ended && this.#loaded === loaded) this.#end(loaded, ended);
      },
      (err) => loaded.ready.reject(err),
    );
    return withTimeout(ready, LOAD_TIMEOUT_MS, `loading ${source}`);
  }

  /** Sound: resolves with the moment (ms since the epoch) mpv reported sound running. */
  play(): Promise<number> {
    const loaded = this.#loaded;
    if (!loaded) return Promise.reject(new Error('nothing is loaded'));
    const started = new Promise<number>((resolve, reject) => {
      loaded.started = { resolve: (at) => resolve(at as number), reject };
    });
    void this.#command(['set_property', 'pause', false]).catch((err) => loaded.started?.reject(err));
    return started;
  }

  /** Stop what is loaded or playing; it ends with `stop`. */
  async stop(): Promise<void> {
    if (this.#loaded) await this.#command(['stop']);
  }

  /** Where the program is, in seconds of its content. */
  async position(): Promise<number> {
    return Number(await this.#command(['get_property', 'playback-time']));
  }

  async setVolume(volume: number): Promise<void> {
    await this.#command(['set_property', 'volume', volume]);
  }

  #command(command: unknown[]): Promise<unknown> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new Error('mpv is not running'));
    const id = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      socket.write(`${JSON.stringify({ command, request_id: id })}\n`);
    });
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (let end = this.#buffer.indexOf('\n'); end >= 0; end = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      this.#onMessage(message);
    }
  }

  #onMessage(message: Record<string, unknown>): void {
    if (typeof message.request_id === 'number') {
      const pending = this.#pending.get(message.request_id);
      this.#pending.delete(message.request_id);
      if (message.error === 'success') pending?.resolve(message.data);
      else pending?.reject(new Error(`mpv: ${String(message.error)}`));
      return;
    }
    const loaded = this.#loaded;
    switch (message.event) {
      // The file is open and decoded up to its offset: the player can sound at once.
      case 'playback-restart':
        loaded?.ready.resolve(undefined);
        break;
      case 'property-change':
        // The core stops idling when sound runs: that is when the program started.
        if (message.name === 'core-idle' && message.data === false && loaded?.started && !loaded.playing) {
          loaded.playing = true;
          loaded.started.resolve(Date.now());
        }
        if (message.name === 'playback-time' && typeof message.data === 'number' && loaded)
          loaded.positionS = message.data;
        if (message.name === 'duration' && typeof message.data === 'number' && loaded)
          loaded.durationS = message.data;
        break;
      case 'end-file': {
        const entry = message.playlist_entry_id as number;
        const end = {
          reason: (message.reason === 'eof'
            ? 'eof'
            : message.reason === 'stop'
              ? 'stop'
              : 'error') as EndReason,
          error: message.reason === 'error' ? String(message.file_error ?? message.reason) : undefined,
        };
        // Its load's answer (which names the entry) may come after: kept until then. An entry
        // that is not the loaded one is what an earlier load replaced.
        if (loaded && loaded.entryId === undefined) this.#unclaimedEnds.set(entry, end);
        else if (loaded && entry === loaded.entryId) this.#end(loaded, end);
        break;
      }
    }
  }

  /** What is loaded ended: what waited on it fails, and `ended` says how far it sounded. */
  #end(loaded: Loaded, { reason, error }: { reason: EndReason; error: string | undefined }): void {
    if (this.#loaded === loaded) this.#loaded = undefined;
    loaded.ready.reject(new Error(error ?? `ended before it was ready (${reason})`));
    loaded.started?.reject(new Error(error ?? `ended before it sounded (${reason})`));
    // At its end a program has sounded to its length (an output's last buffer drains after mpv
    // says so); stopped, to where the player's clock stood.
    const reachedS = reason === 'eof' && loaded.durationS !== undefined ? loaded.durationS : loaded.positionS;
    this.emit('ended', reason, loaded.playing ? Math.max(0, reachedS - loaded.offsetS) : 0, error);
  }

  #failAll(err: Error): void {
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
    this.#loaded?.ready.reject(err);
    this.#loaded?.started?.reject(err);
    this.#loaded = undefined;
  }
}

/** mpv opens its socket a moment after it starts: try until it answers. */
async function connectWhenListening(path: string, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(path);
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`mpv did not open its socket ${path}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer from mpv within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
