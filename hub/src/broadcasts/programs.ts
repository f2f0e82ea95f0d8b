import { z } from 'zod';
import { wallClock } from '../config/calendar.ts';
import { date, text, time, weekday } from '../config/schema.ts';
import { HubError } from '../errors.ts';
import { type GroupCommit, type Store, statement } from '../store/index.ts';
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

/** What an operator writes (soạn) for a program. */
export const ProgramInput = z
  .strictObject({
    title: text.max(200),
    tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(', ')}` }),
    zones: z.array(z.string()).min(1, { error: 'must name at least one zone' }),
    /** The length of the content: from the probe of an upload, the speech made of a text, or the author for a stream. */
    duration_s: z
      .number()
      .positive()
      .max(4 * 3600),
    volume: z.int().min(0).max(100).default(80),
    schedule: ScheduleInput,
  })
  .refine(
    ({ duration_s, schedule: { repeat } }) =>
      !repeat || repeat.count * duration_s + (repeat.count - 1) * repeat.gap_min * 60 < 86_400,
    { path: ['schedule', 'repeat'], error: "a day's airings must end within 24 hours of its first" },
  );
export type ProgramInput = z.input<typeof ProgramInput>;

export type Program = Omit<z.output<typeof ProgramInput>, 'schedule'> & {
  id: number;
  schedule: Schedule;
  state: ProgramState;
  author: string;
};

export type Actor = { name: string; role: string };

export type ProgramsDeps = {
  db: Store;
  commits: GroupCommit;
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

  create(input: ProgramInput, by: Actor): Program {
    const program = this.#valid(input);
    return this.#deps.commits.now(() => {
      this.#refuseOverlap({ ...program, id: 0 });
      const { lastInsertRowid } = statement(
        this.#deps.db,
        `INSERT INTO programs (title, tier, zones, duration_s, volume, schedule, state, author, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?)`,
      ).run(...written(program), by.name, this.#now());
      const id = Number(lastInsertRowid);
      this.#log(id, by, 'created');
      return this.get(id);
    });
  }

  /** Change what a program says or when; an approved one goes back for approval. */
  edit(id: number, input: ProgramInput, by: Actor): Program {
    const program = this.#valid(input);
    return this.#deps.commits.now(() => {
      const current = this.get(id);
      if (current.state === 'cancelled') throw stateError(current, 'edited');
      this.#refuseOverlap({ ...program, id });
      const state: ProgramState = current.state === 'approved' ? 'submitted' : current.state;
      statement(
        this.#deps.db,
        'UPDATE programs SET title = ?, tier = ?, zones = ?, duration_s = ?, volume = ?, schedule = ?, state = ? WHERE id = ?',
      ).run(...written(program), state, id);
      this.#log(id, by, 'edited');
      return this.get(id);
    });
  }

  /** Up for approval; refused if it would now air over another one up for approval or approved. */
  submit(id: number, by: Actor): Program {
    return this.#move(id, by, 'submitted', ['draft', 'rejected'], 'submitted');
  }

  approve(id: number, by: Actor, comment?: string): Program {
    const program = this.get(id);
    if (program.author === by.name) {
      throw new HubError('TT_PROGRAM_OWN_APPROVAL', {
        vi: `"${by.name}" soạn chương trình ${id}; cần lãnh đạo khác duyệt`,
        en: `"${by.name}" wrote program ${id}; another leader must approve it`,
      });
    }
    return this.#move(id, by, 'approved', ['submitted'], 'approved', comment);
  }

  reject(id: number, by: Actor, comment: string): Program {
    return this.#move(id, by, 'rejected', ['submitted'], 'rejected', comment);
  }

  cancel(id: number, by: Actor): Program {
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
    ).map((row) => scheduled(fromRow(row)));
  }

  #move(
    id: number,
    by: Actor,
    to: ProgramState,
    from: readonly ProgramState[],
    action: string,
    comment?: string,
  ): Program {
    return this.#deps.commits.now(() => {
      const current = this.get(id);
      if (!from.includes(current.state)) throw stateError(current, action);
      if (to === 'submitted' || to === 'approved') this.#refuseOverlap(current);
      statement(this.#deps.db, 'UPDATE programs SET state = ? WHERE id = ?').run(to, id);
      this.#log(id, by, action, comment);
      return this.get(id);
    });
  }

  #valid(input: ProgramInput): z.output<typeof ProgramInput> {
    const parsed = ProgramInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HubError('TT_PROGRAM_INVALID', `${issue.path.join('.') || 'program'}: ${issue.message}`);
    }
    const program = parsed.data;
    const unknown = program.zones.find((zone) => !this.#deps.zones.includes(zone));
    if (unknown)
      throw new HubError('TT_PROGRAM_INVALID', `zones: "${unknown}" is not a zone of the site config`);
    // A program that can never air again is a mistake in its schedule, not a program.
    const nowMs = this.#deps.now().getTime();
    const horizonMs = program.schedule.until
      ? Date.parse(`${program.schedule.until}T00:00:00Z`) + 2 * 86_400_000
      : Math.max(nowMs, Date.parse(`${program.schedule.from}T00:00:00Z`)) + 400 * 86_400_000;
    const next = occurrences(
      program.schedule,
      program.duration_s * 1000,
      this.#deps.timezone,
      nowMs,
      horizonMs,
    ).find((o) => o.startMs >= nowMs);
    if (!next) throw new HubError('TT_PROGRAM_INVALID', 'schedule: has no airing from now on');
    return program;
  }

  /** Refused when it would air over a program of its tier that is submitted or approved. */
  #refuseOverlap(program: ScheduledLike): void {
    const others = (
      statement(
        this.#deps.db,
        "SELECT * FROM programs WHERE state IN ('submitted', 'approved') AND tier = ? AND id != ?",
      ).all(program.tier, program.id) as ProgramRow[]
    ).map((row) => scheduled(fromRow(row)));
    const overlap = firstOverlap(scheduled(program), others, this.#deps.timezone);
    if (!overlap) return;
    // The slot in the commune's own time, as people read it.
    const at = wallClock(this.#deps.timezone, new Date(overlap.otherAiring.startMs));
    const slot = `${at.hour}:${at.minute} ${at.day}/${at.month}/${at.year}`;
    throw new HubError('TT_PROGRAM_OVERLAP', {
      vi: `trùng với chương trình ${overlap.other} ở ${overlap.zone}, lượt phát lúc ${slot}`,
      en: `overlaps program ${overlap.other} in ${overlap.zone}, its airing at ${slot}`,
    });
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

/** What an author writes, as the columns title, tier, zones, duration_s, volume, schedule. */
const written = (p: z.output<typeof ProgramInput>) =>
  [p.title, p.tier, JSON.stringify(p.zones), p.duration_s, p.volume, JSON.stringify(p.schedule)] as const;

type ScheduledLike = { id: number; tier: Tier; zones: string[]; schedule: Schedule; duration_s: number };

type ProgramRow = {
  id: number;
  title: string;
  tier: Tier;
  zones: string;
  duration_s: number;
  volume: number;
  schedule: string;
  state: ProgramState;
  author: string;
};

const fromRow = (row: ProgramRow): Program => ({
  id: Number(row.id),
  title: row.title,
  tier: row.tier,
  zones: JSON.parse(row.zones),
  duration_s: Number(row.duration_s),
  volume: Number(row.volume),
  schedule: JSON.parse(row.schedule),
  state: row.state,
  author: row.author,
});

const scheduled = (p: ScheduledLike): ScheduledProgram => ({
  id: String(p.id),
  tier: p.tier,
  zones: p.zones,
  schedule: p.schedule,
  durationMs: p.duration_s * 1000,
});

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
};

const stateError = (program: Program, action: string) =>
  new HubError('TT_PROGRAM_STATE', {
    vi: `chương trình ${program.id} đang ${STATE_VI[program.state]}; không thể ${ACTION_VI[action] ?? action}`,
    en: `program ${program.id} is ${program.state}; it cannot be ${action}`,
  });
