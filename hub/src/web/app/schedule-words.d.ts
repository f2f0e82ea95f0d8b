// Types of schedule-words.js, for the tests that import it.
export const WEEK: readonly string[];
export function dmy(date: string): string;
export function describeSchedule(
  schedule: {
    from: string;
    until?: string;
    time: string;
    recurrence: { kind: string; days?: readonly string[]; every_weeks?: number; at_ms?: number };
    repeat?: { count: number; gap_min: number };
  },
  t: (key: string, params?: Record<string, string | number>) => string,
): string;
