import type { Lang } from '../errors.ts';
import { type MessageKey, t } from '../i18n/index.ts';

export type Words = { vi: string; en: string };
type Params = Record<string, string | number>;

/** A catalogue message in both languages, ready to be a HubError's detail. */
export function words(key: MessageKey, params: Params = {}): Words {
  return { vi: t(key, params, 'vi'), en: t(key, params, 'en') };
}

/** Words whose parameters depend on the language too, e.g. "admin hoặc leader" / "admin or leader". */
export function wordsBy(key: MessageKey, params: (lang: Lang) => Params): Words {
  return { vi: t(key, params('vi'), 'vi'), en: t(key, params('en'), 'en') };
}

/** "from: …" in both languages: the field a person must change, then what is wrong with it. */
export function aboutField(field: string, what: Words): Words {
  return { vi: `${field}: ${what.vi}`, en: `${field}: ${what.en}` };
}
