export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; kind: 'too-many-connections' | 'too-many-from-address'; reason: string };

/**
 * The address a connection is counted under: the peer of the socket itself. A header such as
 * X-Forwarded-For is never read: any client can write one. IPv6 addresses are not grouped by
 * prefix, because the devices of a commune share the LAN's /64; the total bounds a client that
 * changes addresses.
 */
export function addressOf(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
}

/**
 * MQTT connections open now, in total and per address, over TCP, TLS and WebSocket alike. A
 * connection is judged when it is accepted, before aedes sees a byte of it.
 */
export class ConnectionLimits {
  readonly #max: number;
  readonly #maxPerAddress: number;
  readonly #perAddress = new Map<string, number>();
  #open = 0;

  constructor(limits: { max_connections: number; max_connections_per_address: number }) {
    this.#max = limits.max_connections;
    this.#maxPerAddress = limits.max_connections_per_address;
  }

  admit(address: string): Admission {
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (fromAddress >= this.#maxPerAddress) {
      return {
        admitted: false,
        kind: 'too-many-from-address',
        reason: `${fromAddress} connections are open from ${address} (max_connections_per_address)`,
      };
    }
    if (this.#open >= this.#max) {
      return {
        admitted: false,
        kind: 'too-many-connections',
        reason: `${this.#open} connections are open (max_connections)`,
      };
    }
    this.#open += 1;
    this.#perAddress.set(address, fromAddress + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#open -= 1;
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#perAddress.set(address, left);
      else this.#perAddress.delete(address);
    };
    return { admitted: true, release };
  }
}
