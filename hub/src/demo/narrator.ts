import { localTime } from '../config/index.ts';
import { type Lang, type MessageKey, t } from '../i18n/index.ts';

type Params = Record<string, string | number>;

/** A line in Vietnamese then English whose parameters differ by language (a weekday's name). */
export function bilingual(key: MessageKey, params: (lang: Lang) => Params): string {
  return `${t(key, params('vi'), 'vi')}\n  ${t(key, params('en'), 'en')}`;
}

/** A local date (YYYY-MM-DD) as people write it: "Thứ Hai 23/11/2026", "Monday 23/11/2026". */
export function dayText(timezone: string, atMs: number, lang: Lang): string {
  const { date, weekday } = localTime(timezone, new Date(atMs));
  const [year, month, day] = date.split('-');
  return `${t(`demo.weekday.${weekday}`, {}, lang)} ${day}/${month}/${year}`;
}

/** A moment of the demo clock in site time: "09:12 Thứ Hai 23/11/2026". */
export function momentText(timezone: string, atMs: number, lang: Lang): string {
  return `${clockText(timezone, atMs)} ${dayText(timezone, atMs, lang)}`;
}

function clockText(timezone: string, atMs: number): string {
  const { minutes } = localTime(timezone, new Date(atMs));
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export type DemoStatus = {
  staffed: number;
  desks: number;
  rated: number;
  unsatisfied: number;
  flagged: number;
};

export type NarratorOptions = {
  timezone: string;
  /** The office sessions as the site config writes them: "07:30–11:30, 13:30–17:00". */
  hours: string;
  clock: () => Date;
  /** The desks now, and today's ratings (the local date of `atMs`). */
  status: (atMs: number) => DemoStatus;
  print: (line: string) => void;
};

/**
 * Says what the demo is doing as its clock runs: a line when a working day begins (after the
 * night, the weekend or the holidays skipped) and a progress line at every full hour of demo time.
 */
export class Narrator {
  readonly #o: NarratorOptions;
  #date: string | undefined;
  #hour: number | undefined;

  constructor(options: NarratorOptions) {
    this.#o = options;
  }

  tick(): void {
    const { timezone, hours } = this.#o;
    const nowMs = this.#o.clock().getTime();
    const local = localTime(timezone, new Date(nowMs));
    const hour = Math.floor(local.minutes / 60);
    if (local.date !== this.#date) {
      this.#date = local.date;
      this.#hour = hour;
      this.#o.print(bilingual('demo.day', (lang) => ({ day: dayText(timezone, nowMs, lang), hours })));
      return;
    }
    if (hour === this.#hour) return;
    this.#hour = hour;
    const status = this.#o.status(nowMs);
    this.#o.print(bilingual('demo.progress', () => ({ time: clockText(timezone, nowMs), ...status })));
  }
}
