import { type ParseArgsConfig, parseArgs } from 'node:util';
import { HubError } from '../errors.ts';
import { usageHint } from './help.ts';

/** node:util parseArgs, with its errors turned into a usage error that names the option. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  command: string,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const hint = usageHint(command);
    const reason = (err as Error).message;
    throw new HubError('TT_USAGE', { vi: `${reason}; ${hint.vi}`, en: `${reason}; ${hint.en}` });
  }
}

/** A usage error that says what is missing, what it may be, and where the command's help is. */
export function missing(
  command: string,
  what: { vi: string; en: string },
  choices?: readonly string[],
): HubError {
  const hint = usageHint(command);
  const among = choices ? ` (${choices.join(' | ')})` : '';
  return new HubError('TT_USAGE', {
    vi: `thiếu ${what.vi}${among}; ${hint.vi}`,
    en: `${what.en} is missing${among}; ${hint.en}`,
  });
}
