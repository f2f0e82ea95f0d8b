import type { z } from 'zod';
import { hasMessage, type MessageKey } from '../i18n/index.ts';
import { InvalidRequest } from './invalid-request.ts';
import { aboutField, type Words, words } from './words.ts';

/** Enough to act on; a request with more wrong fields gets the rest on the next try. */
const MAX_ISSUES = 3;

type Issue = z.core.$ZodIssue;
type Said = { key: MessageKey; params?: Record<string, string | number> };

/**
 * Why zod refused a request, in our own words (i18n/api.ts) rather than zod's English, with the
 * field first: "from: must be a real date YYYY-MM-DD (site time); state: must be one of …".
 * `input` is what was parsed: a field that is absent from it reads "required".
 */
export function invalidRequest(error: z.ZodError, input: unknown): InvalidRequest {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    field: fieldOf(issue),
    what: sayIssue(issue, valueAt(input, issue.path)),
  }));
  const detail: Words = {
    vi: issues.map((i) => aboutField(i.field, i.what).vi).join('; '),
    en: issues.map((i) => aboutField(i.field, i.what).en).join('; '),
  };
  return new InvalidRequest(issues[0]?.field ?? 'body', detail);
}

/** The dotted path of the field; a whole body that is wrong (e.g. missing) is `body`. */
function fieldOf(issue: Issue): string {
  return issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[step];
  }
  return value;
}

function sayIssue(issue: Issue, value: unknown): Words {
  const said = ourKey(issue.message) ?? (value === undefined ? { key: 'api.required' } : byCode(issue));
  return words(said.key, said.params);
}

/** Schemas of the API give their messages as catalogue keys, e.g. `{ error: 'api.siteDate' }`. */
function ourKey(message: string): Said | undefined {
  return message.startsWith('api.') && hasMessage(message) ? { key: message } : undefined;
}

function byCode(issue: Issue): Said {
  switch (issue.code) {
    case 'invalid_type':
      return { key: TYPE_KEYS[issue.expected] ?? 'api.invalid' };
    case 'invalid_value':
      return { key: 'api.oneOf', params: { values: issue.values.map(String).join(', ') } };
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? { key: 'api.notEmpty' } : { key: 'api.minLength', params: { min } };
      if (issue.origin === 'array') return { key: 'api.minItems', params: { min } };
      return { key: 'api.min', params: { min } };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { key: 'api.maxLength', params: { max } };
      if (issue.origin === 'array') return { key: 'api.maxItems', params: { max } };
      return { key: 'api.max', params: { max } };
    }
    case 'invalid_format':
      return { key: 'api.badFormat' };
    case 'unrecognized_keys':
      return { key: 'api.unknownFields', params: { keys: issue.keys.join(', ') } };
    default:
      return { key: 'api.invalid' };
  }
}

const TYPE_KEYS: Partial<Record<string, MessageKey>> = {
  string: 'api.mustBeText',
  number: 'api.mustBeNumber',
  int: 'api.mustBeNumber',
  boolean: 'api.mustBeBoolean',
  object: 'api.mustBeObject',
  array: 'api.mustBeList',
};
