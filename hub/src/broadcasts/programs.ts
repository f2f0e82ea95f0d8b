import { z } from 'zod';
import { minutesOf, wallClock } from '../config/calendar.ts';
import { date, text, time, weekday } from '../config/schema.ts';
import { HubError } from '../errors.ts';
import { type GroupCommit, type Store, statement } from '../store/index.ts';
import { type Content, ContentInput, type Contents } from './content.ts';
import { invalid } from './invalid.ts';
import { type ScheduledProgram, TIERS, type Tier } from './on-air.ts';
import { firstOverlap } from './overlaps.ts';
import { occurrences, type Schedule } from './schedule.ts';

/** Where a program is in its approval (duyệt): only approved programs air. */
export const PROGRAM_STATES = ['draft', 'submitted', 'approved', 'rejected', 'cancelled'] as const;
export type ProgramState = (typeof PROGRAM_STATES)[number];

export const ScheduleInput = z
  .strictObject({
    from: date,
    until: date.optional(),
    time,
    recurrence: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('once') }),
      z.strictObject({ kind: z.literal('daily') }),
      z.strictObject({
        kind: z.literal('weekly'),
        days: z.array(weekday).min(1),
        // Two programs' weeks repeat together every common multiple: kept small, so is the overlap search.
        every_weeks: z.int().min(1).max(8).default(1),
      }),
    ]),
    repeat: z.strictObject({ count: z.int().min(1).max(24), gap_min: z.int().min(0).max(720) }).optional(),
  })
  .refine((s) => s.until === undefined || s.until >= s.from, {
    path: ['until'],
    error: 'must not be before from',
  });

/** What an author does when a program would air over another of its tier (trùng lịch). */
export const ON_OVERLAP = ['refuse', 'queue_after', 'override'] as const;

/** What an operator writes (soạn) for a program. */
export const ProgramInput = z.strictObject({
  title: text.max(200),
  tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(', ')}` }),
  zones: z.array(z.string()).min(1, { error: 'must name at least one zone' }),
  content: ContentInput,
  volume: z.int().min(0).max(100).default(80),
  schedule: ScheduleInput,
  /**
   * refuse: the write fails naming the other program and its slot; queue_after: the program's
   * time moves to the end of the airing it would overlap; override: it airs over the other.
   */
  on_overlap: z.enum(ON_OVERLAP, { error: `must be one of ${ON_OVERLAP.join(', ')}` }).default('refuse'),
});
export type ProgramInput = z.input<typeof ProgramInput>;

/** An emergency (khẩn cấp): airs at once in the zones named, or all, once confirmed. */
export const EmergencyInput = z.strictObject({
  title: text.max(200),
  content: ContentInput,
  zones: z.union([z.literal('all'), z.array(z.string()).min(1, { error: 'must name at least one zone' })]),
  volume: z.int().min(0).max(100).default(100),
  confirm: z.boolean().optional(),
});
export type EmergencyInput = z.input<typeof EmergencyInput>;

/**
 * An announcement (thông báo) a flow sends: on air at once, in the zones named or all, over the
 * programs of its tier (which resume after it) — or, when it needs approval, at once when approved.
 */
export const AnnouncementInput = z.strictObject({
  title: text.max(200),
  tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(', ')}` }).default('normal'),
  content: ContentInput,
  zones: EmergencyInput.shape.zones,
  /** None: the tier's own, 80, or an emergency's 100. */
  volume: z.int().min(0).max(100).optional(),
});
export type AnnouncementInput = z.input<typeof AnnouncementInput>;

export type Program = {
  id: number;
  title: string;
  tier: Tier;
  zones: string[];
  content: Content;
  /** The length of one airing: the content's, or an emergency cut short. */
  duration_s: number;
  volume: number;
  schedule: Schedule;
  overrides: boolean;
  state: ProgramState;
  author: string;
  created_at: string;
  approved_at: string | null;
};

export type Actor = { name: string; role: string };

export type ProgramsDeps = {
  db: Store;
  commits: GroupCommit;
  contents: Pick<Contents, 'resolve'>;
  timezone: string;
  zones: readonly string[];
  now: () => Date;
};

/**
 * Programs (chương trình phát thanh) and their approval: an operator drafts and submits, a leader
 * other than the author approves or rejects; an edit to an approved program needs approval again;
 * every step is kept with who and when. A program that would air over another of its tier in a
 * zone they share is refused when it is written, naming the other program and the slot.
 */
export class Programs {
  readonly #deps: ProgramsDeps;

  constructor(deps: ProgramsDeps) {
    this.#deps = deps;
  }

  /** A draft: its content resolved (a text spoken), its schedule checked against the others'. */
  async create(input: ProgramInput, by: Actor): Promise<Program> {
    const program = await this.#written(input, by);
    return this.#deps.commits.durably(() => {
      const placed = this.#place({ ...program, id: 0 });
      const { lastInsertRowid } = statement(
        this.#deps.db,
        `INSERT INTO programs (title, tier, zones, content, duration_s, volume, schedule, overrides, state, author, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)`,
      ).run(...columns(placed), by.name, this.#now());
      const id = Number(lastInsertRowid);
      this.#log(id, by, 'created', placed.note);
      return this.get(id);
    });
  }

  /** Change what a program says or when; an approved one goes back for approval. */
  async edit(id: number, input: ProgramInput, by: Actor): Promise<Program> {
    const program = await this.#written(input, by);
    return this.#deps.commits.durably(() => {
      const current = this.get(id);
      if (current.state === 'cancelled' || current.tier === 'emergency') throw stateError(current, 'edited');
      const placed = this.#place({ ...program, id });
      const state: ProgramState = current.state === 'approved' ? 'submitted' : current.state;
      statement(
        this.#deps.db,
        `UPDATE programs SET title = ?, tier = ?, zones = ?, content = ?, duration_s = ?, volume = ?,
           schedule = ?, overrides = ?, state = ?, approved_at = NULL WHERE id = ?`,
      ).run(...columns(placed), state, id);
      this.#log(id, by, 'edited', placed.note);
      return this.get(id);
    });
  }

  /**
   * An emergency, approved as it is written and on air at once (the caller has checked the role):
   * it preempts every other tier in its zones, then their programming resumes.
   */
  async emergency(input: EmergencyInput, by: Actor, note?: string): Promise<Program> {
    const parsed = parse(EmergencyInput, input);
    if (parsed.confirm !== true) {
      throw new HubError('TT_EMERGENCY_UNCONFIRMED', {
        vi: 'confirm: cần gửi "confirm": true để phát khẩn cấp ngay',
        en: 'confirm: send "confirm": true to go on air at once',
      });
    }
    const { title, content, zones, volume } = parsed;
    return this.#airAtOnce({ title, tier: 'emergency', content, zones, volume }, by, true, 'emergency', note);
  }

  /**
   * An announcement: `approved` (the caller has checked who may skip approval) it airs now, else
   * it waits for a leader and airs when approved. An emergency is approved as it is sent.
   */
  async announce(input: AnnouncementInput, by: Actor, approved: boolean, note?: string): Promise<Program> {
    const parsed = parse(AnnouncementInput, input);
    if (parsed.tier === 'emergency') {
      const { tier: _, ...emergency } = parsed;
      return this.emergency({ ...emergency, confirm: true }, by, note);
    }
    const action = approved ? 'announced' : 'submitted';
    return this.#airAtOnce({ ...parsed, volume: parsed.volume ?? 80 }, by, approved, action, note);
  }

  /**
   * One airing at once in the zones named (or all): approved now, or submitted and moved to its
   * approval. Below the emergency tier it airs over the programs of its tier, which resume after it.
   */
  async #airAtOnce(
    program: { title: string; tier: Tier; content: ContentInput; zones: 'all' | string[]; volume: number },
    by: Actor,
    approved: boolean,
    action: string,
    note?: string,
  ): Promise<Program> {
    const zones = program.zones === 'all' ? [...this.#deps.zones] : program.zones;
    this.#knownZones(zones);
    const { content, durationMs } = await this.#deps.contents.resolve(program.content, by.name);
    const now = this.#deps.now();
    return this.#deps.commits.durably(() => {
      const { lastInsertRowid } = statement(
        this.#deps.db,
        `INSERT INTO programs (title, tier, zones, content, duration_s, volume, schedule, overrides, state, author, created_at, approved_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        program.title,
        program.tier,
        JSON.stringify(zones),
        JSON.stringify(content),
        durationMs / 1000,
        program.volume,
        JSON.stringify(this.#atOnce(now)),
        program.tier === 'emergency' ? 0 : 1,
        approved ? 'approved' : 'submitted',
        by.name,
        now.toISOString(),
        approved ? now.toISOString() : null,
      );
      const id = Number(lastInsertRowid);
      this.#log(id, by, action, note);
      return this.get(id);
    });
  }

  /** A schedule of one airing at `now`: an emergency's, an announcement's. */
  #atOnce(now: Date): Schedule {
    const local = wallClock(this.#deps.timezone, now);
    return {
      from: `${local.year}-${local.month}-${local.day}`,
      time: `${local.hour}:${local.minute}`,
      recurrence: { kind: 'at', at_ms: now.getTime() },
    };
  }

  /** End an emergency on air now: its airing is cut here, and what it preempted resumes. */
  endEmergency(id: number, by: Actor): Promise<Program> {
    return this.#deps.commits.durably(() => {
      const program = this.get(id);
      const { recurrence } = program.schedule;
      const airedS =
        recurrence.kind === 'at' ? (this.#deps.now().getTime() - recurrence.at_ms) / 1000 : Number.NaN;
      const over = airedS >= program.duration_s || this.history(id).some((step) => step.action === 'ended');
      if (program.tier !== 'emergency' || program.state !== 'approved' || !(airedS >= 0) || over)
        throw stateError(program, 'ended');
      statement(this.#deps.db, 'UPDATE programs SET duration_s = ? WHERE id = ?').run(
        Math.max(0.001, airedS),
        id,
      );
      this.#log(id, by, 'ended');
      return this.get(id);
    });
  }

  /** Up for approval; refused if it would now air over another one up for approval or approved. */
  submit(id: number, by: Actor): Promise<Program> {
    return this.#move(id, by, 'submitted', ['draft', 'rejected'], 'submitted');
  }

  async approve(id: number, by: Actor, comment?: string): Promise<Program> {
    const program = this.get(id);
    if (program.author === by.name) {
      throw new HubError('TT_PROGRAM_OWN_APPROVAL', {
        vi: `"${by.name}" soạn chương trình ${id}; cần lãnh đạo khác duyệt`,
        en: `"${by.name}" wrote program ${id}; another leader must approve it`,
      });
    }
    return this.#move(id, by, 'approved', ['submitted'], 'approved', comment);
  }

  reject(id: number, by: Actor, comment: string): Promise<Program> {
    return this.#move(id, by, 'rejected', ['submitted'], 'rejected', comment);
  }

  cancel(id: number, by: Actor): Promise<Program> {
    return this.#move(id, by, 'cancelled', ['draft', 'submitted', 'approved', 'rejected'], 'cancelled');
  }

  get(id: number): Program {
    const row = statement(this.#deps.db, 'SELECT * FROM programs WHERE id = ?').get(id) as
      | ProgramRow
      | undefined;
    if (!row) throw new HubError('TT_PROGRAM_UNKNOWN', `program ${id}`);
    return fromRow(row);
  }

  /** Who did what to a program, oldest first. */
  history(id: number): Array<{ at: string; user: string; action: string; comment: string | null }> {
    return statement(
      this.#deps.db,
      'SELECT at, user_name AS user, action, comment FROM program_history WHERE program_id = ? ORDER BY id',
    ).all(id) as never;
  }

  /** The programs that may air, as the on-air engine reads them. */
  approved(): ScheduledProgram[] {
    return (
      statement(
        this.#deps.db,
        "SELECT * FROM programs WHERE state = 'approved' ORDER BY id",
      ).all() as ProgramRow[]
    ).map((row) => {
      const program = fromRow(row);
      return { ...scheduled(program), fromMs: Date.parse(program.approved_at!) };
    });
  }

  /** Every program, newest first, with the state of its approval. */
  list(): Program[] {
    return (statement(this.#deps.db, 'SELECT * FROM programs ORDER BY id DESC').all() as ProgramRow[]).map(
      fromRow,
    );
  }

  #move(
    id: number,
    by: Actor,
    to: ProgramState,
    from: readonly ProgramState[],
    action: string,
    comment?: string,
  ): Promise<Program> {
    return this.#deps.commits.durably(() => {
      const current = this.get(id);
      if (!from.includes(current.state)) throw stateError(current, action);
      if (to === 'submitted' || to === 'approved') this.#refuseOverlap(current);
      // An announcement waiting for approval airs once approved: its one airing moves there.
      const now = this.#deps.now();
      const announcement = current.schedule.recurrence.kind === 'at';
      if (to === 'approved' && announcement) refuseStale(current, now);
      const schedule = to === 'approved' && announcement ? this.#atOnce(now) : current.schedule;
      statement(
        this.#deps.db,
        'UPDATE programs SET state = ?, approved_at = ?, schedule = ? WHERE id = ?',
      ).run(to, to === 'approved' ? now.toISOString() : null, JSON.stringify(schedule), id);
      this.#log(id, by, action, comment);
      return this.get(id);
    });
  }

  /** What an author wrote, checked, with its content resolved; nothing is stored yet. */
  async #written(input: ProgramInput, by: Actor): Promise<Written> {
    const parsed = parse(ProgramInput, input);
    this.#knownZones(parsed.zones);
    const { content, durationMs } = await this.#deps.contents.resolve(parsed.content, by.name);
    const { repeat } = parsed.schedule;
    if (repeat && repeat.count * durationMs + (repeat.count - 1) * repeat.gap_min * 60_000 >= 86_400_000) {
      throw invalid('schedule.repeat', {
        vi: 'các lượt phát trong ngày phải xong trong vòng 24 giờ kể từ lượt đầu',
        en: "a day's airings must end within 24 hours of its first",
      });
    }
    const program = { ...parsed, content, duration_s: durationMs / 1000 };
    // A program that can never air again is a mistake in its schedule, not a program.
    const nowMs = this.#deps.now().getTime();
    const horizonMs = program.schedule.until
      ? Date.parse(`${program.schedule.until}T00:00:00Z`) + 2 * 86_400_000
      : Math.max(nowMs, Date.parse(`${program.schedule.from}T00:00:00Z`)) + 400 * 86_400_000;
    const next = occurrences(program.schedule, durationMs, this.#deps.timezone, nowMs, horizonMs).find(
      (o) => o.startMs >= nowMs,
    );
    if (!next)
      throw invalid('schedule', {
        vi: 'không còn lượt phát nào từ bây giờ',
        en: 'has no airing from now on',
      });
    return program;
  }

  #knownZones(zones: readonly string[]): void {
    const unknown = zones.find((zone) => !this.#deps.zones.includes(zone));
    if (unknown) {
      throw invalid('zones', {
        vi: `"${unknown}" không phải cụm loa trong cấu hình xã (${this.#deps.zones.join(', ')})`,
        en: `"${unknown}" is not a zone of the site config (${this.#deps.zones.join(', ')})`,
      });
    }
  }

  /**
   * Where a program goes among the others of its tier, as its author chose: refused over another
   * one, moved after it (each move noted), or kept to air over it.
   */
  #place(program: Written & { id: number }): Written & { id: number; overrides: boolean; note?: string } {
    if (program.on_overlap === 'override') return { ...program, overrides: true, note: 'override' };
    if (program.on_overlap === 'refuse') {
      this.#refuseOverlap({ ...program, overrides: false });
      return { ...program, overrides: false };
    }
    let placed = { ...program, overrides: false };
    const moves: string[] = [];
    for (let tries = 0; tries < MAX_QUEUE_MOVES; tries++) {
      const overlap = this.#overlap(placed);
      if (!overlap) return { ...placed, note: moves.join('; ') || undefined };
      // The day's first airing moves as far as the one that overlapped has to.
      const startMinutes = minutesOf(placed.schedule.time);
      const moveMs = overlap.otherAiring.endMs - overlap.airing.startMs;
      const minutes = startMinutes + Math.ceil(moveMs / 60_000);
      if (minutes >= 24 * 60) break;
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      moves.push(`queued after program ${this.#named(overlap.other)}: ${placed.schedule.time} → ${time}`);
      placed = { ...placed, schedule: { ...placed.schedule, time } };
    }
    this.#refuseOverlap(placed);
    return placed;
  }

  /** Refused when it would air over a program of its tier that is submitted or approved. */
  #refuseOverlap(program: ScheduledLike): void {
    const overlap = this.#overlap(program);
    if (!overlap) return;
    // The slot in the commune's own time, as people read it.
    const at = wallClock(this.#deps.timezone, new Date(overlap.otherAiring.startMs));
    const slot = `${at.hour}:${at.minute} ${at.day}/${at.month}/${at.year}`;
    throw new HubError('TT_PROGRAM_OVERLAP', {
      vi: `trùng với chương trình ${this.#named(overlap.other)} ở ${overlap.zone}, lượt phát lúc ${slot}; chọn on_overlap "queue_after" hoặc "override"`,
      en: `overlaps program ${this.#named(overlap.other)} in ${overlap.zone}, its airing at ${slot}; choose on_overlap "queue_after" or "override"`,
    });
  }

  /** The first airing of another program of its tier, submitted or approved, it would air over. */
  #overlap(program: ScheduledLike) {
    // A program written to override airs over the others; none is refused for overlapping it.
    if (program.overrides) return undefined;
    const others = (
      statement(
        this.#deps.db,
        "SELECT * FROM programs WHERE state IN ('submitted', 'approved') AND tier = ? AND id != ? AND overrides = 0",
      ).all(program.tier, program.id) as ProgramRow[]
    ).map((row) => scheduled(fromRow(row)));
    return firstOverlap(scheduled(program), others, this.#deps.timezone);
  }

  /** A program as a person recognises it: its id and title. */
  #named(id: string): string {
    return `${id} "${this.get(Number(id)).title}"`;
  }

  #log(id: number, by: Actor, action: string, comment?: string): void {
    statement(
      this.#deps.db,
      'INSERT INTO program_history (program_id, at, user_name, action, comment) VALUES (?, ?, ?, ?, ?)',
    ).run(id, this.#now(), by.name, action, comment ?? null);
  }

  #now(): string {
    return this.#deps.now().toISOString();
  }
}

/** How long an announcement may wait for approval and still be worth airing. */
const ANNOUNCEMENT_FRESH_MS = 60 * 60_000;

/** An announcement asked for long ago ("Quầy 2 tạm vắng") says what is no longer so: not aired. */
function refuseStale(program: Program, now: Date): void {
  const waitedMin = Math.floor((now.getTime() - Date.parse(program.created_at)) / 60_000);
  if (waitedMin * 60_000 <= ANNOUNCEMENT_FRESH_MS) return;
  throw new HubError('TT_PROGRAM_STATE', {
    vi: `thông báo ${program.id} đã chờ duyệt ${waitedMin} phút (quá ${ANNOUNCEMENT_FRESH_MS / 60_000} phút), không còn đúng lúc để phát; hãy huỷ nó`,
    en: `announcement ${program.id} has waited ${waitedMin} min for approval (over ${ANNOUNCEMENT_FRESH_MS / 60_000}); too late to air, cancel it`,
  });
}

/** At most this many moves to queue a program after the ones it would overlap. */
const MAX_QUEUE_MOVES = 24;

type Written = Omit<z.output<typeof ProgramInput>, 'content'> & { content: Content; duration_s: number };

/** What an author writes, as the columns title, tier, zones, content, duration_s, volume, schedule, overrides. */
const columns = (p: Written & { overrides: boolean }) =>
  [
    p.title,
    p.tier,
    JSON.stringify(p.zones),
    JSON.stringify(p.content),
    p.duration_s,
    p.volume,
    JSON.stringify(p.schedule),
    p.overrides ? 1 : 0,
  ] as const;

type ScheduledLike = {
  id: number;
  tier: Tier;
  zones: string[];
  schedule: Schedule;
  duration_s: number;
  overrides: boolean;
};

type ProgramRow = {
  id: number;
  title: string;
  tier: Tier;
  zones: string;
  content: string;
  duration_s: number;
  volume: number;
  schedule: string;
  overrides: number;
  state: ProgramState;
  author: string;
  created_at: string;
  approved_at: string | null;
};

const fromRow = (row: ProgramRow): Program => ({
  id: Number(row.id),
  title: row.title,
  tier: row.tier,
  zones: JSON.parse(row.zones),
  content: JSON.parse(row.content),
  duration_s: Number(row.duration_s),
  volume: Number(row.volume),
  schedule: JSON.parse(row.schedule),
  overrides: Number(row.overrides) === 1,
  state: row.state,
  author: row.author,
  created_at: row.created_at,
  approved_at: row.approved_at,
});

const scheduled = (p: ScheduledLike): ScheduledProgram => ({
  id: String(p.id),
  tier: p.tier,
  zones: p.zones,
  schedule: p.schedule,
  durationMs: p.duration_s * 1000,
  overrides: p.overrides,
});

/**
 * Input checked by a schema, or a coded error naming the first field that is wrong (the API
 * checks the same schema first and answers in its own words; this guards every other caller).
 */
function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'program';
  throw invalid(field, { vi: issue.message, en: issue.message });
}

const STATE_VI: Record<ProgramState, string> = {
  draft: 'bản nháp',
  submitted: 'chờ duyệt',
  approved: 'đã duyệt',
  rejected: 'bị trả lại',
  cancelled: 'đã huỷ',
};
const ACTION_VI: Record<string, string> = {
  edited: 'sửa',
  submitted: 'gửi duyệt',
  approved: 'duyệt',
  rejected: 'trả lại',
  cancelled: 'huỷ',
  ended: 'kết thúc',
  announced: 'phát thông báo',
};

const stateError = (program: Program, action: string) =>
  new HubError('TT_PROGRAM_STATE', {
    vi: `chương trình ${program.id} đang ${STATE_VI[program.state]}; không thể ${ACTION_VI[action] ?? action}`,
    en: `program ${program.id} is ${program.state}; it cannot be ${action}`,
  });
