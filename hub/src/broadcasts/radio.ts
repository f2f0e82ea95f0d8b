import type { Logger } from 'pino';
import type { Ack, Command } from '../../../protocol/index.ts';
import type { EventBus } from '../bus.ts';
import { atLocalTime, siteIso } from '../config/calendar.ts';
import type { DeviceRecord } from '../devices/index.ts';
import type { Outbox } from '../ingest/index.ts';
import type { IngestSteps } from '../ingest/steps.ts';
import { type GroupCommit, type Store, statement } from '../store/index.ts';
import type { Asset } from './assets.ts';
import type { Content } from './content.ts';
import {
  type HeldBecause,
  heldBecause,
  onAir,
  type RadioCalendar,
  type ScheduledProgram,
  type Tier,
} from './on-air.ts';
import { CLOSE_AFTER_MS, type PlayAck, type PlayOutcome, playOutcome } from './play-log.ts';
import {
  type PlayLogEntry,
  type PlayLogFilter,
  PlayLogStore,
  type PlayLogSummary,
} from './play-log-store.ts';
import type { Program } from './programs.ts';
import { occurrences } from './schedule.ts';
import { type Segment, timeline, zoneAirings } from './timeline.ts';

/** How far ahead the hub sends `play` commands: a node keeps its schedule this long without the hub. */
export const DEFAULT_HORIZON_MS = 6 * 3600_000;
/** How often the engine looks at the time. */
export const DEFAULT_TICK_MS = 1000;
/** What the engine sent and heard is kept a week after an airing is logged, then dropped. */
const KEEP_PLAYS_MS = 7 * 86_400_000;
/** The longest the engine goes without a full look while nothing changes. */
const REVIEW_EVERY_MS = 10_000;
const PRUNE_EVERY_MS = 3_600_000;
const SAVE_MARK_EVERY_MS = 60_000;

export type RadioDeps = {
  site: string;
  db: Store;
  commits: GroupCommit;
  outbox: Outbox;
  steps: IngestSteps;
  bus: EventBus;
  calendar: RadioCalendar;
  /** The approved programs, as the on-air engine reads them. */
  approved: () => ScheduledProgram[];
  program: (id: number) => Program;
  /** The asset a program airs; none for a stream. */
  asset: (content: Content) => Asset | undefined;
  /** Where a speaker downloads an asset from the hub. */
  assetUrl: (sha256: string) => string;
  speakers: () => DeviceRecord[];
  send: (device: string, command: Command) => Promise<void>;
  now: () => Date;
  /** Whether the system clock is synchronised: nothing is armed until it is. */
  clockSynced: () => boolean;
  log: Logger;
  horizonMs?: number;
  tickMs?: number;
  /** How long after its slot an airing waits for a speaker's late acks before it closes. */
  closeAfterMs?: number;
};

const OWNER = 'radio';

type PlayCommand = Extract<Command, { type: 'play' }>;

/**
 * The on-air engine (bộ điều khiển phát): what each zone should air is a pure function of the
 * approved programs and the time (`timeline`); the engine turns it into `play` commands for every
 * speaker of the zone, hours ahead, and `stop` for plays that no longer belong to it. It keeps
 * every play it sent and every ack to it, and closes each airing on each speaker into the play
 * log and InfluxDB's `broadcast` measurement. After a restart it reads what it sent from the
 * store, sends what is missing (a program in progress from its offset) and logs what it missed.
 */
export class Radio {
  readonly #deps: RadioDeps;
  readonly #horizonMs: number;
  readonly #closeAfterMs: number;
  readonly #playLog: PlayLogStore;
  #timer: NodeJS.Timeout | undefined;
  /** Whether the clock allowed the engine to run at its last look; unknown before the first. */
  #armed: boolean | undefined;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #prunedAt = Number.NEGATIVE_INFINITY;
  #lastLookMs = Number.NEGATIVE_INFINITY;
  #lastState = '';
  #stopped = false;
  #markMs: number | undefined;
  #savedMarkMs = Number.NEGATIVE_INFINITY;
  /** Speakers that (re)connected: their plays go again, since a rebooted node holds none. */
  readonly #reconnected = new Set<string>();

  constructor(deps: RadioDeps) {
    this.#deps = deps;
    this.#horizonMs = deps.horizonMs ?? DEFAULT_HORIZON_MS;
    this.#closeAfterMs = deps.closeAfterMs ?? CLOSE_AFTER_MS;
    this.#playLog = new PlayLogStore(deps.db, deps.calendar.timezone);
  }

  start(): void {
    this.#stopped = false;
    this.#deps.steps.on('ack', OWNER, ({ device, ack, time }) => this.#onAck(device.id, ack, time));
    // A speaker that (re)connects gets its plays again: a rebooted node holds none.
    this.#deps.bus.on('device.online', OWNER, ({ device, kind }) => {
      if (kind === 'speaker') this.#reconnected.add(device);
    });
    this.#timer = setInterval(() => void this.#routine(), this.#deps.tickMs ?? DEFAULT_TICK_MS);
    this.#timer.unref();
    void this.tick();
  }

  /** Stops looking; a look under way finishes first, so nothing writes to a closed store. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#deps.steps.removeOwner(OWNER);
    this.#deps.bus.removeOwner(OWNER);
    await (this.#next ?? this.#running);
    this.#saveMark();
  }

  /** Whether the engine runs: the system clock was synchronised at its last look. */
  get armed(): boolean {
    return this.#armed === true;
  }

  /**
   * What each zone airs now: the program, how far into it, and each of the zone's speakers with
   * what it last said of this airing (`playing`, `failed`, …; null: nothing yet, or offline).
   */
  onAirNow(): OnAirZone[] {
    const nowMs = this.#deps.now().getTime();
    const programs = this.#deps.approved();
    const zones = [...new Set(programs.flatMap((p) => p.zones))].sort();
    const speakers = this.#deps.speakers();
    return zones.flatMap((zone) => {
      const now = onAir(programs, zone, this.#deps.calendar, nowMs);
      if (!now) return [];
      const program = Number(now.program);
      const said = this.#lastAcks(program, zone, now.airing.startMs);
      return [
        {
          zone,
          program,
          title: this.#deps.program(program).title,
          tier: now.tier,
          offset_s: now.offsetMs / 1000,
          until: siteIso(this.#deps.calendar.timezone, now.airing.endMs),
          speakers: speakers
            .filter((d) => d.zone === zone && d.revokedAt === null)
            .map((d) => ({ id: d.id, online: d.online, status: said.get(d.id) ?? null })),
        },
      ];
    });
  }

  /** Each speaker's last ack to the plays of one airing in a zone. */
  #lastAcks(program: number, zone: string, airingStartMs: number): Map<string, string> {
    const rows = statement(
      this.#deps.db,
      `SELECT p.speaker, a.status FROM radio_plays p JOIN radio_acks a ON a.play = p.id AND a.speaker = p.speaker
         WHERE p.program = ? AND p.zone = ? AND p.airing_start_ms = ? ORDER BY a.rowid`,
    ).all(program, zone, airingStartMs) as Array<{ speaker: string; status: string }>;
    return new Map(rows.map((r) => [r.speaker, r.status]));
  }

  /**
   * Send what is due, withdraw what no longer airs, close what ended. Safe to call at any time: a
   * call while a look is under way gets one more look after it, which sees the change it came for.
   */
  tick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#next ??= this.#running.then(() => {
        this.#next = undefined;
        return this.tick();
      });
      return this.#next;
    }
    this.#running = this.#look().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * The engine's own look each second: in full only when the programs, the speakers or the clock's
   * arming changed, a speaker reconnected, or REVIEW_EVERY_MS passed (airings ending, the horizon
   * moving on); otherwise a look costs two small queries.
   */
  #routine(): Promise<void> {
    const nowMs = this.#deps.now().getTime();
    const state = JSON.stringify([
      this.#deps.clockSynced(),
      this.#deps.approved(),
      this.#deps.speakers().map((s) => [s.id, s.zone, s.online, s.revokedAt]),
    ]);
    if (
      state === this.#lastState &&
      this.#reconnected.size === 0 &&
      nowMs - this.#lastLookMs < REVIEW_EVERY_MS
    )
      return Promise.resolve();
    this.#lastState = state;
    return this.tick();
  }

  async #look(): Promise<void> {
    if (!this.#deps.clockSynced()) {
      if (this.#armed !== false) {
        this.#armed = false;
        this.#deps.log.warn('radio not armed: the system clock is not synchronised (see TT_RADIO_CLOCK)');
      }
      return;
    }
    if (this.#armed !== true) {
      this.#armed = true;
      this.#deps.log.info('radio armed: the system clock is synchronised');
    }
    try {
      const nowMs = this.#deps.now().getTime();
      this.#lastLookMs = nowMs;
      const programs = this.#deps.approved();
      const speakers = this.#deps.speakers();
      await this.#send(programs, speakers, nowMs);
      await this.#close(programs, speakers, nowMs);
      await this.#prune(nowMs);
    } catch (err) {
      this.#deps.log.error({ err }, 'radio tick failed');
    }
  }

  /**
   * The plays and acks of airings logged long ago are dropped once an hour: the play log keeps the
   * evidence, and they would only grow.
   */
  async #prune(nowMs: number): Promise<void> {
    if (nowMs - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = nowMs;
    const before = this.#mark(nowMs) - KEEP_PLAYS_MS;
    await this.#deps.commits.durably(() => {
      statement(
        this.#deps.db,
        `DELETE FROM radio_acks WHERE rowid IN (SELECT a.rowid FROM radio_acks a
           JOIN radio_plays p ON p.id = a.play AND p.speaker = a.speaker WHERE p.airing_end_ms < ?)`,
      ).run(before);
      statement(this.#deps.db, 'DELETE FROM radio_plays WHERE airing_end_ms < ?').run(before);
    });
  }

  async #send(programs: ScheduledProgram[], speakers: DeviceRecord[], nowMs: number): Promise<void> {
    const { db } = this.#deps;
    const sent = new Set(
      (
        statement(db, 'SELECT id, speaker FROM radio_plays WHERE end_ms > ? AND stopped = 0').all(
          nowMs,
        ) as Array<{
          id: string;
          speaker: string;
        }>
      ).map((row) => `${row.id} ${row.speaker}`),
    );
    const planned = new Set<string>();
    const resend = new Set(this.#reconnected);
    this.#reconnected.clear();
    const sends: Array<{ speaker: string; command: Command }> = [];
    for (const [zone, inZone] of byZone(speakers)) {
      await nextTurn(); // a zone at a time: ratings keep flowing between them
      const due: Array<{ speaker: string; command: PlayCommand; segment: Segment; known: boolean }> = [];
      for (const segment of timeline(programs, zone, this.#deps.calendar, nowMs, nowMs + this.#horizonMs)) {
        const command = this.#play(segment);
        if (!command) continue;
        for (const speaker of inZone) {
          const key = `${command.id} ${speaker.id}`;
          planned.add(key);
          const known = sent.has(key);
          if (speaker.online && (!known || resend.has(speaker.id)))
            due.push({ speaker: speaker.id, command, segment, known });
        }
      }
      // What the zone is sent is on disk first, in one commit, so a restarted hub knows it was sent.
      const unsent = due.filter(({ known }) => !known);
      if (unsent.length > 0) {
        await this.#deps.commits.durably(() => {
          for (const { speaker, command, segment } of unsent)
            this.#recordPlay(command.id, speaker, zone, segment, nowMs);
        });
      }
      for (const { speaker, command, segment } of due) {
        if (command.asset && segment.startMs > nowMs)
          sends.push({ speaker, command: { id: `${command.id}-p`, type: 'prepare', asset: command.asset } });
        sends.push({ speaker, command });
      }
    }
    // A play sent that is no longer in the plan (its program cancelled, edited or cut short) is withdrawn.
    const withdrawn = [...sent]
      .filter((key) => !planned.has(key))
      .map((key) => key.split(' ') as [string, string]);
    if (withdrawn.length > 0) {
      await this.#deps.commits.durably(() => {
        for (const [id, speaker] of withdrawn)
          statement(db, 'UPDATE radio_plays SET stopped = 1 WHERE id = ? AND speaker = ?').run(id, speaker);
      });
    }
    // Stops first: a speaker refuses a play while a higher tier plays, so an ended emergency must
    // be stopped before the program it cut is sent again.
    for (const [id, speaker] of withdrawn) {
      if (speakers.find((s) => s.id === speaker)?.online)
        await this.#deps.send(speaker, { id: `${id}-s`, type: 'stop', play: id });
    }
    for (const { speaker, command } of sends) await this.#deps.send(speaker, command);
  }

  /** The `play` command of a segment, named by its program, airing and start, the same after a restart. */
  #play(segment: Segment): PlayCommand | undefined {
    const program = this.#deps.program(Number(segment.program));
    const asset = this.#deps.asset(program.content);
    const id = `${segment.program}-${segment.airing.startMs.toString(36)}-${segment.startMs.toString(36)}`;
    const common = {
      id,
      type: 'play' as const,
      program: segment.program,
      start_at: new Date(segment.startMs).toISOString(),
      end_at: new Date(segment.endMs).toISOString(),
      offset_s: segment.offsetMs / 1000,
      volume: program.volume,
      priority: segment.tier,
    };
    if (program.content.kind === 'stream')
      return { ...common, stream: { url: program.content.url, duration_s: program.content.duration_s } };
    if (!asset) {
      this.#deps.log.error({ program: program.id }, 'program has no asset: it cannot air');
      return undefined;
    }
    return {
      ...common,
      asset: {
        url: this.#deps.assetUrl(asset.sha256),
        sha256: asset.sha256,
        bytes: asset.bytes,
        duration_s: asset.durationMs / 1000,
      },
    };
  }

  #recordPlay(id: string, speaker: string, zone: string, segment: Segment, nowMs: number): void {
    statement(
      this.#deps.db,
      `INSERT OR IGNORE INTO radio_plays (id, speaker, program, zone, airing_start_ms, airing_end_ms, start_ms, end_ms, offset_ms, sent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      speaker,
      Number(segment.program),
      zone,
      segment.airing.startMs,
      segment.airing.endMs,
      segment.startMs,
      segment.endMs,
      segment.offsetMs,
      new Date(nowMs).toISOString(),
    );
  }

  /** An ack to a play this hub sent is kept, in the transaction that accepts it; others are only logged. */
  #onAck(speaker: string, ack: Ack, time: Date): void {
    const known = statement(this.#deps.db, 'SELECT 1 FROM radio_plays WHERE id = ? AND speaker = ?').get(
      ack.id,
      speaker,
    );
    if (!known) {
      if (ack.status === 'failed' || ack.status === 'rejected')
        this.#deps.log.warn({ speaker, command: ack.id, error: ack.error }, `command ${ack.status}`);
      return;
    }
    statement(
      this.#deps.db,
      'INSERT INTO radio_acks (play, speaker, status, at_ms, started_at_ms, error) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      ack.id,
      speaker,
      ack.status,
      time.getTime(),
      ack.started_at ? Date.parse(ack.started_at) : null,
      ack.error ?? null,
    );
  }

  /**
   * Every airing that ended since the last one logged, on every speaker of its zone, ends in the
   * play log once its outcome is known (at the latest closeAfterMs after its slot). The mark
   * moves only past what is closed for good, so a restart logs what happened while it was down.
   */
  async #close(programs: ScheduledProgram[], speakers: DeviceRecord[], nowMs: number): Promise<void> {
    const { db } = this.#deps;
    const mark = this.#mark(nowMs);
    const candidates = new Map<string, Candidate>();
    // Looking back one airing's length also finds what a higher tier did to the first candidates.
    const longest = Math.max(0, ...programs.map((p) => p.durationMs));
    for (const [zone, inZone] of byZone(speakers)) {
      await nextTurn();
      for (const a of zoneAirings(programs, zone, this.#deps.calendar, mark - longest, nowMs)) {
        if (a.airing.endMs <= mark || a.airing.endMs > nowMs) continue;
        for (const speaker of inZone) {
          if (Date.parse(speaker.createdAt) > a.airing.startMs) continue;
          candidates.set(`${a.program.id} ${a.airing.startMs} ${speaker.id}`, {
            program: Number(a.program.id),
            airing: a.airing,
            zone,
            speaker: speaker.id,
            held: a.held,
            preemptedByHigher: a.preemptedByHigher,
          });
        }
      }
    }
    // Plays sent for airings no longer in the plan (a program cancelled mid-air) end in the log too.
    const strays = statement(
      db,
      `SELECT DISTINCT program, zone, speaker, airing_start_ms, airing_end_ms FROM radio_plays
         WHERE airing_end_ms > ? AND airing_end_ms <= ?`,
    ).all(mark, nowMs) as Array<{
      program: number;
      zone: string;
      speaker: string;
      airing_start_ms: number;
      airing_end_ms: number;
    }>;
    for (const row of strays) {
      const key = `${row.program} ${row.airing_start_ms} ${row.speaker}`;
      if (candidates.has(key)) continue;
      candidates.set(key, {
        program: Number(row.program),
        airing: { startMs: Number(row.airing_start_ms), endMs: Number(row.airing_end_ms) },
        zone: row.zone,
        speaker: row.speaker,
        held: undefined,
        preemptedByHigher: false,
      });
    }
    let open = false;
    const ended: Array<[Candidate, PlayOutcome]> = [];
    for (const candidate of candidates.values()) {
      if (this.#playLog.has(candidate.program, candidate.airing.startMs, candidate.speaker)) continue;
      const outcome = playOutcome(
        { ...candidate.airing, durationMs: candidate.airing.endMs - candidate.airing.startMs },
        this.#playsOf(candidate),
        {
          held: candidate.held,
          preemptedByHigher: candidate.preemptedByHigher,
          nowMs,
          closeAfterMs: this.#closeAfterMs,
        },
      );
      if (outcome) ended.push([candidate, outcome]);
      else open = true;
    }
    // Entries and their points in one commit: one sync of the disk for all that ended.
    if (ended.length > 0) {
      await this.#deps.commits.durably(() => {
        for (const [candidate, outcome] of ended) this.#log(candidate, outcome, nowMs);
      });
    }
    // Every outcome is known closeAfterMs after its slot; while none is open, now is closed.
    this.#advanceMark(open ? nowMs - this.#closeAfterMs : nowMs);
  }

  /** Where the play log stands: everything that ended before it is logged. A first start begins now. */
  #mark(nowMs: number): number {
    if (this.#markMs === undefined) {
      const row = statement(
        this.#deps.db,
        "SELECT value FROM radio_state WHERE key = 'logged_until_ms'",
      ).get() as { value: string } | undefined;
      this.#markMs = row ? Number(row.value) : nowMs;
      if (row) this.#savedMarkMs = this.#markMs;
      else this.#saveMark();
    }
    return this.#markMs;
  }

  /**
   * The mark moves on in memory and reaches the store once a minute (and when the engine stops):
   * after a crash the engine looks again at no more than a minute it had logged, which the play
   * log's one row per airing and speaker makes harmless.
   */
  #advanceMark(toMs: number): void {
    if (this.#markMs === undefined || toMs <= this.#markMs) return;
    this.#markMs = toMs;
    if (toMs - this.#savedMarkMs >= SAVE_MARK_EVERY_MS) this.#saveMark();
  }

  #saveMark(): void {
    if (this.#markMs === undefined || this.#markMs === this.#savedMarkMs) return;
    // With the next batch, nothing waiting for it (see #advanceMark).
    const markMs = this.#markMs;
    this.#deps.commits.later(
      () =>
        statement(
          this.#deps.db,
          "INSERT OR REPLACE INTO radio_state (key, value) VALUES ('logged_until_ms', ?)",
        ).run(String(markMs)),
      'the radio could not save where its play log stands',
    );
    this.#savedMarkMs = markMs;
  }

  /** The acks to each play sent for an airing to a speaker, in the order the plays start. */
  #playsOf(c: Candidate): PlayAck[][] {
    // A play withdrawn before it aired counts only if the speaker had begun it.
    const plays = statement(
      this.#deps.db,
      `SELECT id FROM radio_plays p WHERE program = ? AND airing_start_ms = ? AND speaker = ?
         AND (stopped = 0 OR EXISTS (SELECT 1 FROM radio_acks a WHERE a.play = p.id AND a.speaker = p.speaker AND a.status = 'playing'))
         ORDER BY start_ms`,
    ).all(c.program, c.airing.startMs, c.speaker) as Array<{ id: string }>;
    return plays.map(({ id }) =>
      (
        statement(
          this.#deps.db,
          'SELECT status, at_ms, started_at_ms, error FROM radio_acks WHERE play = ? AND speaker = ? ORDER BY rowid',
        ).all(id, c.speaker) as Array<{
          status: Ack['status'];
          at_ms: number;
          started_at_ms: number | null;
          error: string | null;
        }>
      ).map((row) => ({
        status: row.status,
        atMs: Number(row.at_ms),
        ...(row.started_at_ms === null ? {} : { startedAtMs: Number(row.started_at_ms) }),
        ...(row.error === null ? {} : { error: row.error }),
      })),
    );
  }

  /** An airing's end on a speaker, in the play log and as a `broadcast` point (inside a commit). */
  #log(c: Candidate, outcome: PlayOutcome, nowMs: number): void {
    const program = this.#deps.program(c.program);
    this.#playLog.record(
      { ...c, title: program.title, tier: program.tier, airingStartMs: c.airing.startMs },
      outcome,
      new Date(nowMs),
    );
    this.#deps.outbox.add({
      measurement: 'broadcast',
      tags: {
        site: this.#deps.site,
        program: String(c.program),
        speaker: c.speaker,
        zone: c.zone,
        priority: program.tier,
      },
      fields: {
        status: outcome.status,
        ...(outcome.offsetMs === null ? {} : { offset_ms: Math.round(outcome.offsetMs) }),
        played_s: Math.round(outcome.playedS * 1000) / 1000,
      },
      timeMs: c.airing.startMs,
    });
  }

  /** The play log, filtered (the API's list and CSV). */
  playLog(filter: PlayLogFilter): PlayLogEntry[] {
    return this.#playLog.list(filter);
  }

  /** Airings and minutes aired per zone and tier over local days `from`..`to`. */
  summary(from: string, to: string): PlayLogSummary[] {
    return this.#playLog.summary(from, to);
  }

  /**
   * Every airing of the programs that are approved or on their way to it over local days
   * `from`..`to`, in order: what the operators' calendar shows, with what the hub will hold.
   */
  calendar(from: string, to: string, programs: readonly Program[]): CalendarAiring[] {
    const { timezone } = this.#deps.calendar;
    const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const fromMs = atLocalTime(timezone, from, 0).getTime();
    const toMs = atLocalTime(timezone, next, 0).getTime();
    return programs
      .filter((p) => p.state === 'approved' || p.state === 'submitted' || p.state === 'draft')
      .flatMap((p) =>
        occurrences(p.schedule, p.duration_s * 1000, timezone, fromMs, toMs)
          .filter((a) => a.startMs >= fromMs)
          .map((a) => ({
            program: p.id,
            title: p.title,
            tier: p.tier,
            state: p.state,
            zones: p.zones,
            start: siteIso(timezone, a.startMs),
            end: siteIso(timezone, a.endMs),
            held: heldBecause(p.tier, a, this.#deps.calendar) ?? null,
          })),
      )
      .sort((a, b) => a.start.localeCompare(b.start) || a.program - b.program);
  }
}

/** An airing as the calendar shows it. */
export type OnAirZone = {
  zone: string;
  program: number;
  title: string;
  tier: string;
  offset_s: number;
  until: string;
  speakers: Array<{ id: string; online: boolean; status: string | null }>;
};

export type CalendarAiring = {
  program: number;
  title: string;
  tier: Tier;
  state: Program['state'];
  zones: string[];
  start: string;
  end: string;
  held: HeldBecause | null;
};

type Candidate = {
  program: number;
  airing: { startMs: number; endMs: number };
  zone: string;
  speaker: string;
  held: ReturnType<typeof zoneAirings>[number]['held'];
  preemptedByHigher: boolean;
};

/** Let the event loop take what waits (messages, PUBACKs) before the next zone's work. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The live speakers of each zone. */
function byZone(speakers: readonly DeviceRecord[]): Map<string, DeviceRecord[]> {
  const zones = new Map<string, DeviceRecord[]>();
  for (const speaker of speakers) {
    if (speaker.kind !== 'speaker' || !speaker.zone || speaker.revokedAt) continue;
    zones.set(speaker.zone, [...(zones.get(speaker.zone) ?? []), speaker]);
  }
  return zones;
}
