import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MqttLimits } from '../config/index.ts';
import { addressOf, ConnectionLimits } from './connection-limits.ts';
import { GuardedConnection, type GuardRules } from './guarded-connection.ts';
import type { Refusals } from './refusals.ts';

/**
 * Where every MQTT connection comes in, whatever carries it: counted against the connection limits
 * when accepted, then handed to aedes behind a GuardedConnection that holds it to the packet
 * bounds and the CONNECT timeout. Every refusal is counted in `refusals`.
 */
export class MqttGate {
  readonly #limits: ConnectionLimits;
  readonly #refusals: Refusals;
  readonly #rules: GuardRules;
  readonly #open = new Set<GuardedConnection>();

  constructor(limits: MqttLimits, refusals: Refusals) {
    this.#limits = new ConnectionLimits(limits);
    this.#refusals = refusals;
    this.#rules = {
      maxBytesBeforeAuth: limits.max_connect_bytes,
      maxPacketBytes: limits.max_packet_bytes_device,
      connectTimeoutMs: limits.connect_timeout_s * 1000,
      onRefused: (kind, reason, connection) =>
        refusals.record(kind, { address: connection.address, client: connection.device, reason }),
    };
  }

  /**
   * The address of a newly accepted socket when it may stay; undefined when it is refused (the
   * refusal is counted) and the caller must close it. An admitted socket holds its slot until it
   * closes, whatever closes it.
   */
  admit(socket: Socket): string | undefined {
    if (socket.destroyed) return undefined; // gone while it waited for the broker to start
    const address = addressOf(socket.remoteAddress);
    const admission = this.#limits.admit(address);
    if (!admission.admitted) {
      this.#refusals.record(admission.kind, { address, reason: admission.reason });
      return undefined;
    }
    socket.once('close', admission.release);
    return address;
  }

  /** The stream aedes reads for an admitted socket (itself, or the WebSocket stream over it). */
  guard(stream: Duplex, address: string): GuardedConnection {
    const connection = new GuardedConnection(stream, address, this.#rules);
    this.#open.add(connection);
    connection.once('close', () => this.#open.delete(connection));
    return connection;
  }

  /** Close every connection: aedes closes only the clients that got as far as authenticating. */
  closeAll(): void {
    for (const connection of this.#open) connection.destroy();
  }
}
