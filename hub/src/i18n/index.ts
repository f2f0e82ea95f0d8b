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

type Params = Record<string, string | number>;

/**
 * Vietnamese first, English second, as every user-facing line of the product; `params` may be
 * given per language, for values that are words themselves ("có" / "yes").
 */
export function both(key: MessageKey, params: Params | ((lang: Lang) => Params) = {}): string {
  const of = (lang: Lang) => (typeof params === 'function' ? params(lang) : params);
  return `${t(key, of('vi'), 'vi')}\n  ${t(key, of('en'), 'en')}`;
}
