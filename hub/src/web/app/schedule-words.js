// A program's schedule said in words (lịch phát bằng lời), as an operator checks it before saving:
// "Thứ Hai, Thứ Tư hằng tuần lúc 06:30, từ 01/12/2026 đến 31/12/2026". Pure: `t` gives the words.

/** Monday first, as a Vietnamese week is read. */
export const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** YYYY-MM-DD as dd/mm/yyyy. */
export const dmy = (date) => date.split('-').reverse().join('/');

export function describeSchedule(schedule, t) {
  const { recurrence, time, from, until, repeat } = schedule;
  let words;
  if (recurrence.kind === 'once') {
    words = t('app.sched.once', { time, from: dmy(from) });
  } else if (recurrence.kind === 'at') {
    // A flow's announcement: it airs when sent, or when a leader approves it.
    words = t('app.sched.at', { time, from: dmy(from) });
  } else {
    if (recurrence.kind === 'daily') words = t('app.sched.daily', { time });
    else {
      const days = WEEK.filter((d) => recurrence.days.includes(d))
        .map((d) => t(`app.day.${d}`))
        .join(', ');
      const every = recurrence.every_weeks ?? 1;
      words =
        every === 1
          ? t('app.sched.weekly', { days, time })
          : t('app.sched.weeklyEvery', { days, n: every, time });
    }
    words += until
      ? t('app.sched.between', { from: dmy(from), until: dmy(until) })
      : t('app.sched.since', { from: dmy(from) });
  }
  if (repeat && repeat.count > 1)
    words += t('app.sched.repeat', { count: repeat.count, gap: repeat.gap_min });
  return words;
}
