import { createRequire } from 'node:module';

/**
 * mqtt-packet calls its `debug` logger some twenty times for every packet it reads or writes, and
 * with logging off each call still gathers its arguments, which then outlive the call: with
 * quiet loggers the hub allocated 1.2 GB over the ingest bench's 100,000 ratings instead of 1.6
 * (heap sampling; docs/benchmarks.md), and parsing a rating's PUBLISH took a quarter less time.
 * Before aedes loads it, mqtt-packet's `debug` is put in the module cache as one whose loggers
 * that are off do nothing at all; those that `DEBUG` turns on at start are the library's own, so
 * `DEBUG=mqtt-packet:*` still traces every packet. It is the project's one hoisted copy of `debug`:
 * every package loaded after this that uses it gets the same (in the hub's process, in aedes'
 * stack, only mqtt-packet), and a logger made while off stays quiet even if `debug.enable()` is
 * called later, which nothing in the hub does.
 */
const require = createRequire(import.meta.url);
const packetRequire = createRequire(createRequire(require.resolve('aedes')).resolve('mqtt-packet'));
type Logger = ((...args: unknown[]) => void) & { enabled: boolean };
type Debug = ((namespace: string) => Logger) & Record<string, unknown>;
const debug = packetRequire('debug') as Debug;
if (!debug.quietWhenOff) {
  const quiet = (namespace: string): Logger => {
    const logger = debug(namespace);
    if (logger.enabled) return logger;
    // The logger's own properties (namespace, extend, …) on a function that does nothing.
    return Object.assign(() => {}, logger, { enabled: false });
  };
  Object.assign(quiet, debug, { default: quiet, quietWhenOff: true });
  require.cache[packetRequire.resolve('debug')]!.exports = quiet;
}
