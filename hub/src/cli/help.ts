import { hasMessage, t } from '../i18n/index.ts';

/** `--help` or `-h` anywhere on the command line asks for help, never for the command. */
export const wantsHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h');

/**
 * The help of the most precise command the words name: `device add` if it has its own, else
 * `device`, else the overview. Vietnamese first, then English.
 */
export function helpFor(argv: readonly string[]): string {
  const words = argv.filter((word) => !word.startsWith('-'));
  const candidates = [`help.${words[0]}.${words[1]}`, `help.${words[0]}`, 'help.main'];
  const key = candidates.find(hasMessage) ?? 'help.main';
  return `${t(key, {}, 'vi')}\n\n${t(key, {}, 'en')}`;
}

/** A usage error that points at the command's own help. */
export function usageHint(command: string): { vi: string; en: string } {
  return { vi: `xem: thanthien ${command} --help`, en: `see: thanthien ${command} --help` };
}
