import { describe, expect, it } from 'vitest';
import { type ProgramInput, Programs } from '../hub/src/broadcasts/programs.ts';
import { HubError } from '../hub/src/errors.ts';
import { createLogger } from '../hub/src/log.ts';
import { GroupCommit, openStore } from '../hub/src/store/index.ts';

// Programs and their approval against a real store: who may do what, when, and what is refused.

const NOW = new Date('2026-11-23T01:00:00Z'); // Monday 08:00 in Hà Nội
const operator = { name: 'phat-thanh-vien', role: 'operator' };
const leader = { name: 'lanh-dao', role: 'leader' };
const otherLeader = { name: 'pho-chu-tich', role: 'leader' };

function programs() {
  const db = openStore(':memory:');
  return new Programs({
    db,
    commits: new GroupCommit(db, createLogger('silent')),
    timezone: 'Asia/Ho_Chi_Minh',
    zones: ['thon-dong', 'thon-doai'],
    contents: { resolve: async (content) => ({ content: content as never, durationMs: 600_000 }) },
    now: () => NOW,
  });
}

const news = (over: Partial<ProgramInput> = {}): ProgramInput => ({
  title: 'Bản tin sáng',
  tier: 'normal',
  zones: ['thon-dong'],
  content: { kind: 'stream', url: 'http://radio.local/vov1', duration_s: 600 },
  schedule: { from: '2026-11-24', time: '06:30', recurrence: { kind: 'daily' } },
  ...over,
});

/** The coded error a call fails with. */
async function refusal(call: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await call();
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return { code: (err as HubError).code, message: (err as HubError).message };
  }
  throw new Error('expected a refusal');
}

describe('programs', () => {
  it('goes from draft to approved by another leader, and only then airs; every step is kept', async () => {
    const store = programs();
    const draft = await store.create(news(), operator);
    expect(draft).toMatchObject({ state: 'draft', author: 'phat-thanh-vien', volume: 80 });
    expect(store.approved()).toEqual([]); // a draft never airs
    await store.submit(draft.id, operator);
    expect(store.approved()).toEqual([]);
    expect((await store.approve(draft.id, leader, 'đồng ý')).state).toBe('approved');
    expect(store.approved()).toEqual([
      {
        id: String(draft.id),
        tier: 'normal',
        zones: ['thon-dong'],
        schedule: draft.schedule,
        durationMs: 600_000,
        overrides: false,
        fromMs: NOW.getTime(),
      },
    ]);
    expect(store.history(draft.id)).toEqual([
      { at: NOW.toISOString(), user: 'phat-thanh-vien', action: 'created', comment: null },
      { at: NOW.toISOString(), user: 'phat-thanh-vien', action: 'submitted', comment: null },
      { at: NOW.toISOString(), user: 'lanh-dao', action: 'approved', comment: 'đồng ý' },
    ]);
  });

  it('refuses a leader approving their own program, and anything out of order', async () => {
    const store = programs();
    const own = await store.create(news(), leader);
    await store.submit(own.id, leader);
    expect((await refusal(() => store.approve(own.id, leader))).code).toBe('TT_PROGRAM_OWN_APPROVAL');
    expect((await store.approve(own.id, otherLeader)).state).toBe('approved');
    const draft = await store.create(
      news({ schedule: { from: '2026-11-24', time: '18:00', recurrence: { kind: 'daily' } } }),
      operator,
    );
    expect(await refusal(() => store.approve(draft.id, leader))).toMatchObject({
      code: 'TT_PROGRAM_STATE',
      message: expect.stringContaining(`program ${draft.id} is draft; it cannot be approved`),
    });
    expect((await refusal(() => store.get(999))).code).toBe('TT_PROGRAM_UNKNOWN');
  });

  it('sends an edited approved program back for approval; a rejected one may be submitted again', async () => {
    const store = programs();
    const p = await store.create(news(), operator);
    await store.submit(p.id, operator);
    await store.approve(p.id, leader);
    const edited = await store.edit(p.id, news({ title: 'Bản tin sáng (sửa)' }), operator);
    expect(edited).toMatchObject({ state: 'submitted', title: 'Bản tin sáng (sửa)' });
    expect(store.approved()).toEqual([]);
    await store.reject(p.id, leader, 'thiếu số điện thoại');
    expect((await store.submit(p.id, operator)).state).toBe('submitted');
    expect((await store.cancel(p.id, operator)).state).toBe('cancelled');
    expect((await refusal(() => store.edit(p.id, news(), operator))).code).toBe('TT_PROGRAM_STATE');
  });

  it('refuses an overlap within a tier when written, naming the other program and its slot', async () => {
    const store = programs();
    const first = await store.create(news(), operator);
    await store.submit(first.id, operator);
    const clash = await refusal(() =>
      store.create(
        news({
          title: 'Nhạc',
          schedule: { from: '2026-11-25', time: '06:35', recurrence: { kind: 'once' } },
        }),
        operator,
      ),
    );
    expect(clash.code).toBe('TT_PROGRAM_OVERLAP');
    expect(clash.message).toContain(
      `overlaps program ${first.id} "Bản tin sáng" in thon-dong, its airing at 06:30 25/11/2026`,
    );
    // Two drafts at the same time: the second is refused when it goes up for approval, so the
    // two can never both wait for an approval that each other's presence would refuse.
    const a = await store.create(
      news({ schedule: { from: '2026-11-24', time: '09:00', recurrence: { kind: 'daily' } } }),
      operator,
    );
    const b = await store.create(
      news({ schedule: { from: '2026-11-24', time: '09:05', recurrence: { kind: 'daily' } } }),
      operator,
    );
    await store.submit(a.id, operator);
    expect((await refusal(() => store.submit(b.id, operator))).code).toBe('TT_PROGRAM_OVERLAP');
    expect((await store.approve(a.id, leader)).state).toBe('approved');
    // Another tier, or another zone, may share the time.
    expect((await store.create(news({ tier: 'priority' }), operator)).state).toBe('draft');
    expect((await store.create(news({ zones: ['thon-doai'] }), operator)).state).toBe('draft');
  });

  it('queues a program after the airings it would overlap, or lets it override them, as its author chose', async () => {
    const store = programs();
    const first = await store.create(news(), operator); // 06:30–06:40 daily
    await store.submit(first.id, operator);
    const second = await store.create(
      news({
        title: 'Thông báo tiêm chủng',
        schedule: { from: '2026-11-24', time: '06:35', recurrence: { kind: 'daily' } },
        on_overlap: 'queue_after',
      }),
      operator,
    );
    expect(second.schedule.time).toBe('06:40');
    await store.submit(second.id, operator);
    // Queued behind both: 06:30 → 06:40 (after the first) → 06:50 (after the second).
    const third = await store.create(news({ title: 'Nhạc', on_overlap: 'queue_after' }), operator);
    expect(third.schedule.time).toBe('06:50');
    expect(store.history(third.id)[0]!.comment).toBe(
      `queued after program ${first.id} "Bản tin sáng": 06:30 → 06:40; queued after program ${second.id} "Thông báo tiêm chủng": 06:40 → 06:50`,
    );
    const over = await store.create(news({ title: 'Lệnh của huyện', on_overlap: 'override' }), operator);
    expect(over).toMatchObject({ overrides: true, schedule: { time: '06:30' } });
    await store.submit(over.id, operator);
    expect((await store.approve(over.id, leader)).state).toBe('approved');
    // A program that could only be queued past midnight is refused.
    const late = await refusal(() =>
      store.create(
        news({
          content: { kind: 'stream', url: 'http://radio.local/vov1', duration_s: 600 },
          schedule: {
            from: '2026-11-24',
            time: '06:30',
            recurrence: { kind: 'daily' },
            repeat: { count: 1, gap_min: 0 },
          },
          on_overlap: 'refuse',
        }),
        operator,
      ),
    );
    expect(late.code).toBe('TT_PROGRAM_OVERLAP');
  });

  it('puts an emergency on air at once once confirmed, in every zone or those named, and ends it early', async () => {
    const store = programs();
    const alert = {
      title: 'Bão số 9',
      content: { kind: 'stream' as const, url: 'http://radio.local/canh-bao', duration_s: 600 },
      zones: 'all' as const,
    };
    expect((await refusal(() => store.emergency(alert, leader))).code).toBe('TT_EMERGENCY_UNCONFIRMED');
    expect(store.list()).toEqual([]); // nothing half-created
    const emergency = await store.emergency({ ...alert, confirm: true }, leader);
    expect(emergency).toMatchObject({
      tier: 'emergency',
      state: 'approved',
      zones: ['thon-dong', 'thon-doai'],
      volume: 100,
      schedule: { from: '2026-11-23', time: '08:00', recurrence: { kind: 'at', at_ms: NOW.getTime() } },
    });
    expect(store.approved().map((p) => p.id)).toEqual([String(emergency.id)]);
    expect((await store.endEmergency(emergency.id, leader)).duration_s).toBe(0.001); // ended the moment it began
    expect((await refusal(() => store.endEmergency(emergency.id, leader))).code).toBe('TT_PROGRAM_STATE');
    expect(
      (await refusal(() => store.emergency({ ...alert, zones: ['thon-xa'], confirm: true }, leader))).message,
    ).toMatch(/zones: "thon-xa" is not a zone/);
  });

  it("airs a flow's announcement at once, or when approved within the hour, never after", async () => {
    let nowMs = NOW.getTime();
    const db = openStore(':memory:');
    const store = new Programs({
      db,
      commits: new GroupCommit(db, createLogger('silent')),
      timezone: 'Asia/Ho_Chi_Minh',
      zones: ['thon-dong', 'thon-doai'],
      contents: { resolve: async (content) => ({ content: content as never, durationMs: 5000 }) },
      now: () => new Date(nowMs),
    });
    const flows = { name: 'thanthien-flows', role: 'flows' };
    const words = { title: 'Quầy 2 tạm vắng', content: { kind: 'text' as const, text: 'Quầy 2 tạm vắng' } };
    const at = (ms: number) => ({ recurrence: { kind: 'at', at_ms: ms } });

    const now = await store.announce({ ...words, zones: ['thon-dong'] }, flows, true, 'flow tt-empty-desk');
    expect(now).toMatchObject({ state: 'approved', overrides: true, volume: 80, schedule: at(nowMs) });
    expect(store.history(now.id)).toMatchObject([{ action: 'announced', comment: 'flow tt-empty-desk' }]);

    const waiting = await store.announce({ ...words, zones: 'all' }, flows, false);
    expect(waiting).toMatchObject({ state: 'submitted', zones: ['thon-dong', 'thon-doai'] });
    nowMs += 20 * 60_000; // a leader approves it twenty minutes later: it airs then
    expect(await store.approve(waiting.id, leader)).toMatchObject({ state: 'approved', schedule: at(nowMs) });

    const late = await store.announce({ ...words, zones: ['thon-doai'] }, flows, false);
    nowMs += 61 * 60_000;
    const stale = await refusal(() => store.approve(late.id, leader));
    expect(stale).toMatchObject({ code: 'TT_PROGRAM_STATE' });
    expect(stale.message).toMatch(/waited 61 min/);
    expect(store.get(late.id).state).toBe('submitted');

    const storm = await store.announce({ ...words, tier: 'emergency', zones: 'all' }, flows, false);
    expect(storm).toMatchObject({ tier: 'emergency', state: 'approved', volume: 100 });
  });

  it('refuses bad input with a coded error naming the field, and keeps nothing of it', async () => {
    const store = programs();
    const cases: Array<[Partial<ProgramInput>, RegExp]> = [
      [{ zones: ['thon-khong-co'] }, /zones: "thon-khong-co" is not a zone/],
      [{ title: '  ' }, /title: must not be empty/],
      [{ tier: 'urgent' as never }, /tier: must be one of normal, priority, emergency/],
      [
        {
          schedule: {
            from: '2026-11-24',
            time: '06:30',
            recurrence: { kind: 'weekly', days: ['mon', 'thurs' as never] },
          },
        },
        /schedule.recurrence.days.1: must be one of sun, mon/,
      ],
      [
        { schedule: { from: '2026-11-20', time: '06:30', recurrence: { kind: 'once' } } },
        /schedule: has no airing from now on/,
      ],
      [
        {
          schedule: { from: '2026-11-24', until: '2026-11-23', time: '06:30', recurrence: { kind: 'daily' } },
        },
        /schedule.until: must not be before from/,
      ],
      [
        { schedule: { from: '2026-11-24', time: '6h30', recurrence: { kind: 'daily' } } },
        /schedule.time: must be a time/,
      ],
      [
        {
          schedule: {
            from: '2026-11-24',
            time: '06:30',
            recurrence: { kind: 'daily' },
            repeat: { count: 10, gap_min: 600 },
          },
        },
        /schedule.repeat: a day's airings must end within 24 hours of its first/,
      ],
      [
        {
          schedule: {
            from: '2026-11-24',
            time: '06:30',
            recurrence: { kind: 'weekly', days: ['mon'], every_weeks: 52 },
          },
        },
        /schedule.recurrence.every_weeks/,
      ],
    ];
    for (const [change, reason] of cases) {
      const refused = await refusal(() => store.create(news(change), operator));
      expect(refused.code).toBe('TT_PROGRAM_INVALID');
      expect(refused.message).toMatch(reason);
    }
    expect(() => store.get(1)).toThrow(/program does not exist/);
  });
});
