import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from '../../../protocol/index.ts';
import { type DeviceLink, isoWithOffset, type LinkLogger } from '../link/index.ts';
import type { ContentCache } from './content-cache.ts';
import type { EndReason, MpvPlayer } from './mpv.ts';
import { decideStart } from './start-rule.ts';

type PlayCommand = Extract<Command, { type: 'play' }>;

/** The amplifier's power: on before sound (it warms up), off after a quiet while. */
export type Amplifier = { on(): void; off(): void; readonly isOn: boolean };

export type SpeakerNodeOptions = {
  link: DeviceLink;
  cache: ContentCache;
  /** Two players: one on air, the other loading what comes next. */
  players: readonly [MpvPlayer, MpvPlayer];
  amplifier: Amplifier;
  /** Where the plays held on the node are kept across a reboot. */
  playbookFile: string;
  clock?: () => Date;
  clockSynced?: () => boolean;
  log?: LinkLogger;
  /** Load a program this long before its start, so that its start is an unpause. */
  leadMs?: number;
  /** The amplifier is switched on this long before sound. */
  warmUpMs?: number;
  /** And off after this long without sound. */
  holdMs?: number;
  /** A position standing still this long while on air is dead air. */
  stallMs?: number;
};

/** A play the node holds, and where it stands. */
type Held = {
  command: PlayCommand;
  /** The player it is loaded in (paused at its offset), or sounding in. */
  player?: MpvPlayer;
  startedAtMs?: number;
  onAir: boolean;
  timers: NodeJS.Timeout[];
};

/** How often a node looks whether the program on air still moves. */
const STALL_CHECK_MS = 1_000;

/** A start this late is joined where the program is, not where it was to begin. */
const REJOIN_AFTER_MS = 50;

/**
 * The loudspeaker node (cụm loa): keeps every `play` it receives (on its storage too) and airs
 * each at its `start_at` by its own clock, loaded ahead and started by an unpause; a higher tier
 * stops a lower one at once. It answers with the acks of docs/protocol.md, and keeps its schedule
 * while the hub or the network is away.
 */
export class SpeakerNode {
  readonly #o: Required<Omit<SpeakerNodeOptions, 'log'>> & { log: LinkLogger | undefined };
  readonly #held = new Map<string, Held>();
  #offAt: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: SpeakerNodeOptions) {
    this.#o = {
      clock: () => new Date(),
      clockSynced: () => true,
      leadMs: 3000,
      warmUpMs: 1500,
      holdMs: 30_000,
      stallMs: 6_000,
      log: undefined,
      ...options,
    };
    for (const player of this.#o.players) {
      player.on('ended', (reason, playedS) => this.#ended(player, reason, playedS));
      player.on('exit', () => this.#playerDied(player));
    }
  }

  /** Start the players, take back the plays held before a reboot, and listen for commands. */
  async start(): Promise<void> {
    await Promise.all(this.#o.players.map((p) => p.start()));
    for (const command of this.#readPlaybook()) this.#hold(command, false);
    this.#o.link.onCommand((command) => this.#handle(command));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const held of this.#held.values()) for (const timer of held.timers) clearTimeout(timer);
    clearTimeout(this.#offAt);
    await Promise.all(this.#o.players.map((p) => p.close()));
    this.#o.amplifier.off();
  }

  /** What the node says of itself in its telemetry. */
  health(): Record<string, unknown> {
    const onAir = [...this.#held.values()].find((h) => h.onAir);
    return {
      audio: onAir ? onAir.command.program.slice(0, 32) : 'idle',
      clock_synced: this.#o.clockSynced(),
      cache_mb: Math.round((this.#o.cache.bytes / 1048576) * 10) / 10,
      ...(onAir ? { volume: onAir.command.volume } : {}),
    };
  }

  /** The plays held now, by id. */
  get held(): readonly string[] {
    return [...this.#held.keys()];
  }

  async #handle(command: Command): Promise<void> {
    const ack = (a: Parameters<DeviceLink['ack']>[0]) => this.#o.link.ack(a);
    switch (command.type) {
      case 'ping':
        return ack({ id: command.id, status: 'done' });
      case 'rebirth':
        this.#o.link.rebirth();
        return ack({ id: command.id, status: 'done' });
      case 'volume':
        await Promise.all(this.#o.players.map((p) => p.setVolume(command.volume).catch(() => {})));
        return ack({ id: command.id, status: 'done' });
      case 'stop': {
        for (const held of [...this.#held.values()]) {
          const stops = command.play
            ? held.command.id === command.play
            : command.program
              ? held.command.program === command.program
              : held.onAir;
          if (stops) await this.#end(held, 'stopped');
        }
        return ack({ id: command.id, status: 'done' });
      }
      case 'prepare': {
        ack({ id: command.id, status: 'received' });
        try {
          await this.#o.cache.fetch(command.asset, this.#needed());
          return ack({ id: command.id, status: 'ready' });
        } catch (err) {
          return ack({ id: command.id, status: 'failed', error: (err as Error).message.slice(0, 200) });
        }
      }
      case 'play':
        return this.#receive(command);
    }
  }

  #receive(command: PlayCommand): void {
    // The hub sends its plays again after a reconnect: one already held is kept as it is.
    if (this.#held.has(command.id)) return;
    if (!this.#o.clockSynced()) {
      this.#o.link.ack({ id: command.id, status: 'rejected', error: 'clock not synchronised' });
      return;
    }
    this.#o.link.ack({ id: command.id, status: 'received' });
    this.#hold(command, true);
  }

  /** Keep a play and arm it: its content fetched, loaded ahead, started at its moment. */
  #hold(command: PlayCommand, fresh: boolean): void {
    const endMs = command.end_at ? Date.parse(command.end_at) : Number.POSITIVE_INFINITY;
    if (endMs <= this.#now()) return; // its time went by while the node was off
    const held: Held = { command, onAir: false, timers: [] };
    this.#held.set(command.id, held);
    if (fresh) this.#writePlaybook();
    void this.#arm(held);
  }

  async #arm(held: Held): Promise<void> {
    const { command } = held;
    if (command.asset) {
      try {
        await this.#o.cache.fetch(command.asset, this.#needed());
      } catch (err) {
        this.#drop(held);
        this.#o.link.ack({ id: command.id, status: 'failed', error: (err as Error).message.slice(0, 200) });
        return;
      }
    }
    if (!this.#held.has(command.id)) return; // stopped while downloading
    const startMs = Date.parse(command.start_at);
    const problem = (what: string) => (err: unknown) =>
      this.#o.log?.warn({ play: command.id, err: (err as Error).message }, what);
    held.timers.push(
      // A load that a later one replaced (the start came first) is no problem: the start loaded it.
      this.#at(startMs - this.#o.leadMs, () => void this.#preload(held).catch(problem('preload failed'))),
      this.#at(startMs - this.#o.warmUpMs, () => this.#amplifierOn()),
      this.#at(startMs, () => void this.#start(held).catch(problem('start failed'))),
    );
  }

  /** Load the play paused at its offset in a player free for it, if there is one. */
  async #preload(held: Held): Promise<void> {
    if (held.player) return;
    const player = this.#playerFor(held);
    if (player) await this.#load(held, player, held.command.offset_s);
  }

  /**
   * A player for `held`: not on air and not holding a play that starts before it. A player that
   * holds a later play gives it up (that one loads again when its time nears).
   */
  #playerFor(held: Held): MpvPlayer | undefined {
    const startOf = (h: Held) => Date.parse(h.command.start_at);
    const holders = (p: MpvPlayer) => [...this.#held.values()].filter((h) => h !== held && h.player === p);
    const free = this.#o.players.filter(
      (p) => p.running && !holders(p).some((h) => h.onAir || startOf(h) <= startOf(held)),
    );
    // An empty player first; else one whose play comes later.
    const player = free.find((p) => holders(p).length === 0) ?? free[0];
    for (const later of player ? holders(player) : []) later.player = undefined;
    return player;
  }

  async #load(held: Held, player: MpvPlayer, offsetS: number): Promise<void> {
    held.player = player;
    try {
      await player.load(this.#source(held.command), offsetS);
    } catch (err) {
      // Not loaded after all: the start loads it afresh, and says why if it cannot.
      if (held.player === player) held.player = undefined;
      throw err;
    }
  }

  /**
   * At its start_at: a higher or equal tier takes the air from what plays; a lower one is refused
   * while a higher one plays, unless that one ends by now. A late start joins where the program is.
   */
  async #start(held: Held): Promise<void> {
    if (this.#stopped || !this.#held.has(held.command.id)) return;
    const { command } = held;
    const nowMs = this.#now();
    const current = [...this.#held.values()].find((h) => h.onAir);
    const decision = decideStart(command, current?.command, nowMs);
    if (!decision.start) {
      this.#drop(held);
      this.#o.link.ack({ id: command.id, status: 'rejected', error: decision.error });
      return;
    }
    const { offsetS, endMs } = decision;
    const lateMs = Math.max(0, nowMs - Date.parse(command.start_at));
    // What plays ends as this one starts: in another player the two happen together, so the
    // start does not wait for the stop; in the same player, the stop goes first.
    const currentPlayer = current?.player;
    const ending = current ? this.#end(current, decision.current!) : undefined;
    if (ending && (!held.player || held.player === currentPlayer)) await ending;
    const player = held.player ?? this.#playerFor(held) ?? this.#o.players[0];
    try {
      if (held.player !== player || lateMs > REJOIN_AFTER_MS) await this.#load(held, player, offsetS);
      this.#amplifierOn();
      await player.setVolume(command.volume);
      held.onAir = true;
      held.startedAtMs = await player.play();
    } catch (err) {
      held.onAir = false;
      this.#drop(held);
      this.#o.link.ack({
        id: command.id,
        status: 'failed',
        error: `player: ${(err as Error).message}`.slice(0, 200),
      });
      return;
    }
    await ending;
    this.#o.link.ack({
      id: command.id,
      status: 'playing',
      started_at: isoWithOffset(new Date(held.startedAtMs)),
    });
    if (Number.isFinite(endMs)) held.timers.push(this.#at(endMs, () => void this.#end(held, 'done')));
    held.timers.push(this.#watchForStall(held, player));
  }

  /**
   * Dead air while the player lives (a stream that stopped coming, a stuck output): the position
   * stands still. The play ends stopped with what it sounded, so the hub logs it partial.
   */
  #watchForStall(held: Held, player: MpvPlayer): NodeJS.Timeout {
    let last = Number.NaN;
    let stillSince = this.#now();
    return setInterval(() => {
      void player.position().then(
        (position) => {
          if (!held.onAir || !this.#held.has(held.command.id)) return;
          if (position !== last) {
            last = position;
            stillSince = this.#now();
          } else if (this.#now() - stillSince >= this.#o.stallMs) {
            void this.#end(held, 'stopped', `dead air: playback stalled at ${position.toFixed(1)} s`);
          }
        },
        () => {},
      );
    }, STALL_CHECK_MS);
  }

  /** End a play: the player stopped if it sounds, its final ack sent, the play let go. */
  async #end(held: Held, status: 'done' | 'stopped', error?: string): Promise<void> {
    if (!this.#held.has(held.command.id)) return;
    const wasOnAir = held.onAir;
    this.#drop(held);
    // Sounding, or loaded and waiting: either way the player lets it go.
    if (held.player && (wasOnAir || !this.#playing(held.player))) await held.player.stop().catch(() => {});
    this.#o.link.ack({ id: held.command.id, status, ...(error ? { error } : {}) });
    this.#amplifierOffLater();
    this.#preloadWaiting();
  }

  /** A player came free: the next play due within the lead, not loaded yet, loads now. */
  #preloadWaiting(): void {
    const horizon = this.#now() + this.#o.leadMs;
    const next = [...this.#held.values()]
      .filter((h) => !h.onAir && !h.player && Date.parse(h.command.start_at) <= horizon)
      .sort((a, b) => Date.parse(a.command.start_at) - Date.parse(b.command.start_at))[0];
    if (next)
      void this.#preload(next).catch((err) =>
        this.#o.log?.warn({ play: next.command.id, err: (err as Error).message }, 'preload failed'),
      );
  }

  /**
   * The player says how a program ended: at its end (done), or it broke off (stopped). Done
   * is said when the content has sounded by the player's own account, which an output that drains
   * its last buffer after mpv says so (or not at all, the null one) would otherwise blur.
   */
  #ended(player: MpvPlayer, reason: EndReason, playedS: number): void {
    const held = [...this.#held.values()].find((h) => h.onAir && h.player === player);
    if (!held || reason === 'stop') return; // stopped by the node itself: already answered
    this.#drop(held);
    if (reason !== 'eof') {
      // Dead air mid-program: it stopped with what it sounded (the hub logs it partial).
      this.#o.link.ack({
        id: held.command.id,
        status: 'stopped',
        error: `dead air after ${playedS.toFixed(1)} s`,
      });
      this.#amplifierOffLater();
      return;
    }
    const soundedMs = (held.startedAtMs ?? this.#now()) + playedS * 1000;
    setTimeout(
      () => {
        this.#o.link.ack({ id: held.command.id, status: 'done' });
        this.#amplifierOffLater();
      },
      Math.max(0, soundedMs - this.#now()),
    );
  }

  /** The player process died mid-program: the play stops with what it sounded; the player comes back. */
  #playerDied(player: MpvPlayer): void {
    if (this.#stopped) return;
    for (const held of this.#held.values()) {
      if (held.player !== player) continue;
      held.player = undefined;
      if (!held.onAir) continue;
      this.#drop(held);
      this.#o.link.ack({ id: held.command.id, status: 'stopped', error: 'player died' });
    }
    this.#o.log?.warn({}, 'player died; starting it again');
    void player
      .start()
      .catch((err) => this.#o.log?.error({ err: (err as Error).message }, 'player did not start'));
  }

  #drop(held: Held): void {
    for (const timer of held.timers) clearTimeout(timer);
    held.onAir = false;
    if (this.#held.delete(held.command.id)) this.#writePlaybook();
  }

  #playing(player: MpvPlayer): boolean {
    return [...this.#held.values()].some((h) => h.onAir && h.player === player);
  }

  #source(command: PlayCommand): string {
    return command.asset ? this.#o.cache.path(command.asset.sha256) : command.stream!.url;
  }

  /** The assets the held plays need: making room in the cache never drops them. */
  #needed(): Set<string> {
    return new Set(
      [...this.#held.values()].flatMap((h) => (h.command.asset ? [h.command.asset.sha256] : [])),
    );
  }

  #amplifierOn(): void {
    clearTimeout(this.#offAt);
    if (!this.#o.amplifier.isOn) this.#o.amplifier.on();
  }

  #amplifierOffLater(): void {
    clearTimeout(this.#offAt);
    this.#offAt = setTimeout(() => {
      if (![...this.#held.values()].some((h) => h.onAir)) this.#o.amplifier.off();
    }, this.#o.holdMs);
    this.#offAt.unref();
  }

  /** Run `then` when the node's clock reads `atMs`: a timer to just before it, then to the moment. */
  #at(atMs: number, then: () => void): NodeJS.Timeout {
    const waitMs = atMs - this.#now();
    const timer = setTimeout(
      () => {
        const spin = () => (this.#now() >= atMs ? then() : setImmediate(spin));
        spin();
      },
      Math.max(0, waitMs - 15),
    );
    return timer;
  }

  #now(): number {
    return this.#o.clock().getTime();
  }

  #readPlaybook(): PlayCommand[] {
    try {
      return JSON.parse(readFileSync(this.#o.playbookFile, 'utf8')) as PlayCommand[];
    } catch {
      return [];
    }
  }

  /** Written whole and renamed into place: a power cut leaves the old playbook or the new. */
  #writePlaybook(): void {
    const partial = `${this.#o.playbookFile}.partial`;
    writeFileSync(partial, JSON.stringify([...this.#held.values()].map((h) => h.command)));
    renameSync(partial, this.#o.playbookFile);
  }
}
