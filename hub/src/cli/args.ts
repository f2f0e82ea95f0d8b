import { type ParseArgsConfig, parseArgs } from 'node:util';
import { HubError } from '../errors.ts';

/** node:util parseArgs, with its errors turned into a usage error that names the option. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new HubError('TT_USAGE', `${(err as Error).message}\n${usage}`);
  }
}
