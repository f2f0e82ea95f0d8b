import { bilingual, HubError, isHubError } from '../errors.ts';

const USAGE = `thanthien <command>

  hub                                   run the hub (broker, store, API)
  demo                                  run the hub with a simulated commune
  device add <id> --kind <kind> [--desk <desk>] [--zone <zone>] [--json]
  device list [--json]
  device revoke <id>
  device rotate <id> [--json]
  user add <name> --role admin|leader|operator|technician [--password <password>]
  simulate [--url <mqtt-url>] [--desks <n>] [--speakers <n>] [--rate <per-desk-per-min>] [--duration <s>]

Environment: TT_CONFIG, TT_DATA_DIR, TT_INFLUX_URL, TT_MQTT_PORT, TT_HTTP_PORT (docs/operations.md)`;

// Loaded on demand: `device add` on a Pi need not load the broker and the simulators.
const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  hub: async () => (await import('./hub.ts')).hubCommand(),
  demo: async () => (await import('./demo.ts')).demoCommand(),
  device: async (args) => (await import('./device.ts')).deviceCommand(args),
  user: async (args) => (await import('./user.ts')).userCommand(args),
  simulate: async (args) => (await import('./simulate.ts')).simulateCommand(args),
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new HubError('TT_USAGE', `unknown command "${name}"\n\n${USAGE}`);
  await command(args);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (isHubError(err)) {
    console.error(bilingual(err));
  } else {
    console.error(err);
  }
  process.exitCode = 1;
});
