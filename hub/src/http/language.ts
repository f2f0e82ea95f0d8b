import type { Lang } from '../errors.ts';

/**
 * The language of an answer, from the request's Accept-Language: English when it ranks English
 * above Vietnamese (by q, then by order), otherwise Vietnamese, the product's first language —
 * also when the header is missing or names neither.
 *
 * @example
 * answerLanguage('en-US,en;q=0.9'); // 'en'
 * answerLanguage('fr, en;q=0.5'); // 'en': English is read, Vietnamese not asked for
 * answerLanguage('vi, en;q=0.8'); // 'vi'
 */
export function answerLanguage(header: string | string[] | undefined): Lang {
  const ranked = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.split('-')[0], q: q === undefined ? 1 : Number(q.slice(2)) || 0, order };
    })
    .filter((r) => (r.lang === 'vi' || r.lang === 'en') && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked[0]?.lang === 'en' ? 'en' : 'vi';
}
