import { bilingual, HubError, isHubError } from '../errors.ts';
import { helpFor, wantsHelp } from './help.ts';
import './parent.ts';

// Loaded on demand: `device add` on a Pi need not load the broker and the simulators.
const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  hub: async () => (await import('./hub.ts')).hubCommand(),
  demo: async () => (await import('./demo.ts')).demoCommand(),
  device: async (args) => (await import('./device.ts')).deviceCommand(args),
  integration: async (args) => (await import('./integration.ts')).integrationCommand(args),
  flows: async (args) => (await import('./flows.ts')).flowsCommand(args),
  user: async (args) => (await import('./user.ts')).userCommand(args),
  simulate: async (args) => (await import('./simulate.ts')).simulateCommand(args),
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || wantsHelp(argv)) {
    // Help is answered before anything is loaded, opened or started.
    console.log(helpFor(name === 'help' ? args : argv));
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    throw new HubError('TT_USAGE', {
      vi: `không có lệnh "${name}"; xem: thanthien --help`,
      en: `unknown command "${name}"; see: thanthien --help`,
    });
  }
  await command(args);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(isHubError(err) ? bilingual(err) : err);
  // Exit now: a hub that failed to start must not linger on a half-open handle, and systemd
  // restarts a unit only when its process ends.
  process.exit(1);
});
