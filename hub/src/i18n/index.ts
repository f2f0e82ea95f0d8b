import { en } from './en.ts';
import { type MessageKey, vi } from './vi.ts';

export type { MessageKey };
export type Lang = 'vi' | 'en';

const catalogues = { vi, en } as const;

/** One message in one language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}, lang: Lang = 'vi'): string {
  return catalogues[lang][key].replace(/\{(\w+)\}/g, (_, name: string) =>
    String(params[name] ?? `{${name}}`),
  );
}

/** Whether a catalogue has this key, for keys made from what a user typed. */
export const hasMessage = (key: string): key is MessageKey => Object.hasOwn(vi, key);

/** Vietnamese first, English second, as every user-facing line of the product. */
export function both(key: MessageKey, params: Record<string, string | number> = {}): string {
  return `${t(key, params, 'vi')}\n  ${t(key, params, 'en')}`;
}
