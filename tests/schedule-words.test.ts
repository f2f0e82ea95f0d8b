import { describe, expect, it } from 'vitest';
import { en } from '../hub/src/i18n/en.ts';
import { vi } from '../hub/src/i18n/vi.ts';
// The web app's own module, as the browser loads it.
import { describeSchedule } from '../hub/src/web/app/schedule-words.js';

const words =
  (catalogue: Record<string, string>) =>
  (key: string, params: Record<string, string | number> = {}) =>
    catalogue[key]!.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));

describe('a schedule in words', () => {
  it('says a weekly program as the issue writes it, Monday first whatever order the days came in', () => {
    const schedule = {
      from: '2026-12-01',
      until: '2026-12-31',
      time: '06:30',
      recurrence: { kind: 'weekly', days: ['wed', 'mon'], every_weeks: 1 },
    };
    expect(describeSchedule(schedule, words(vi))).toBe(
      'Thứ Hai, Thứ Tư hằng tuần lúc 06:30, từ 01/12/2026 đến 31/12/2026',
    );
    expect(describeSchedule(schedule, words(en))).toBe(
      'Monday, Wednesday every week at 06:30, from 01/12/2026 to 31/12/2026',
    );
  });

  it('says once, daily with no end, every other week, and repeats in a day', () => {
    const vn = words(vi);
    expect(
      describeSchedule({ from: '2027-01-05', time: '09:12', recurrence: { kind: 'at', at_ms: 0 } }, vn),
    ).toBe('Phát ngay, lúc gửi hoặc khi được duyệt (09:12 ngày 05/01/2027)');
    expect(describeSchedule({ from: '2027-01-05', time: '17:00', recurrence: { kind: 'once' } }, vn)).toBe(
      'Một lần lúc 17:00 ngày 05/01/2027',
    );
    expect(describeSchedule({ from: '2026-12-01', time: '06:00', recurrence: { kind: 'daily' } }, vn)).toBe(
      'Hằng ngày lúc 06:00, từ 01/12/2026',
    );
    expect(
      describeSchedule(
        {
          from: '2026-12-01',
          time: '18:00',
          recurrence: { kind: 'weekly', days: ['sun'], every_weeks: 2 },
          repeat: { count: 3, gap_min: 10 },
        },
        vn,
      ),
    ).toBe('Chủ nhật, 2 tuần một lần, lúc 18:00, từ 01/12/2026, mỗi ngày 3 lần cách nhau 10 phút');
  });
});
