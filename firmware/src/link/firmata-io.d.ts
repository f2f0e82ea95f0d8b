// firmata-io ships no types; this is the part of it that program.ts uses.
declare module 'firmata-io' {
  import type { EventEmitter } from 'node:events';

  /** A Firmata client over a transport object: here a serialport 13 port. */
  class Firmata extends EventEmitter {
    constructor(transport: NodeJS.ReadWriteStream);
    readonly isReady: boolean;
  }
  /** The module binds a default transport (unused here); `.Firmata` is the client itself. */
  const firmata: { (transport: unknown): typeof Firmata; Firmata: typeof Firmata };
  export default firmata;
}
