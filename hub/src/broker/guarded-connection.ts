import { Duplex } from 'node:stream';
import { type FixedHeader, FrameScanner, PACKET_NAMES } from './frame-scanner.ts';

export type GuardRules = {
  /** Bytes a client may send before it is authenticated: its CONNECT and what it pipelines behind it. */
  maxBytesBeforeAuth: number;
  /** Any one packet from an authenticated device. */
  maxPacketBytes: number;
  connectTimeoutMs: number;
  onRefused: (kind: 'oversized' | 'connect-timeout', reason: string, connection: GuardedConnection) => void;
};

// What ws reports when a WebSocket message is over its maxPayload.
const WS_MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/**
 * The connection aedes reads from: the client's socket (TCP, TLS or WebSocket stream), with every
 * byte counted on its way in. A packet over its bound closes the connection as soon as its header
 * declares its length, so what the hub buffers for a client is bounded before mqtt-packet's parser
 * ever holds a whole packet; a client that sends no CONNECT in time is closed too.
 */
export class GuardedConnection extends Duplex {
  readonly address: string;
  readonly #inner: Duplex;
  readonly #rules: GuardRules;
  readonly #scanner = new FrameScanner();
  #device: string | undefined;
  #bytesBeforeAuth = 0;
  #innerEnded = false;
  #connectTimer: NodeJS.Timeout | undefined;

  constructor(inner: Duplex, address: string, rules: GuardRules) {
    // Small buffers: while aedes checks a secret it stops reading, and what waits is ours to hold.
    super({ allowHalfOpen: false, readableHighWaterMark: 16 * 1024, writableHighWaterMark: 16 * 1024 });
    this.address = address;
    this.#inner = inner;
    this.#rules = rules;
    inner.on('data', (chunk: Buffer) => this.#take(chunk));
    inner.on('end', () => {
      this.#innerEnded = true;
      if (!this.destroyed) this.push(null);
    });
    inner.on('error', (err: Error & { code?: string }) => this.#innerFailed(err));
    // After a clean end, aedes reads what is left (a DISCONNECT, say) and closes us itself.
    inner.on('close', () => {
      if (!this.#innerEnded) this.destroy();
    });
    // [MQTT-3.1.0-1] the first packet is CONNECT; MQTT 3.1.1 §3.1 advises closing a connection
    // that sends none within a reasonable time.
    this.#connectTimer = setTimeout(
      () => this.#refuse('connect-timeout', `no CONNECT within ${rules.connectTimeoutMs / 1000} s`),
      rules.connectTimeoutMs,
    );
    this.#connectTimer.unref();
  }

  /** The device this connection authenticated as, once it has. */
  get device(): string | undefined {
    return this.#device;
  }

  /** The CONNECT was accepted: from now on each packet is held to the device bound. */
  authenticated(device: string): void {
    this.#device = device;
  }

  override _read(): void {
    this.#inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#inner.write(chunk, callback);
  }

  // mqtt-packet corks while it writes a packet in pieces: they leave as one write, as they would
  // from a bare socket, instead of small segments that Nagle's algorithm holds back.
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void): void {
    this.#inner.write(Buffer.concat(chunks.map(({ chunk }) => chunk)), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#inner.end(callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    clearTimeout(this.#connectTimer);
    this.#inner.destroy();
    callback(err);
  }

  #take(chunk: Buffer): void {
    if (this.destroyed) return;
    const refusal = this.#scanner.scan(chunk, this.#judge);
    if (refusal) {
      this.#refuse('oversized', refusal);
      return;
    }
    if (this.#connectTimer && this.#scanner.completed > 0) {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
    }
    if (!this.push(chunk)) this.#inner.pause();
  }

  // Called for every packet: bound once, and the words are made only for a refusal.
  readonly #judge = ({ type, size }: FixedHeader): string | undefined => {
    if (this.#device === undefined) {
      // Counted over all packets: aedes queues what arrives behind a CONNECT until it is accepted.
      this.#bytesBeforeAuth += size;
      if (this.#bytesBeforeAuth <= this.#rules.maxBytesBeforeAuth) return undefined;
      return `${packetWords(type, size)} before authentication, over ${this.#rules.maxBytesBeforeAuth} bytes (max_connect_bytes)`;
    }
    if (size <= this.#rules.maxPacketBytes) return undefined;
    return `${packetWords(type, size)} from "${this.#device}", over ${this.#rules.maxPacketBytes} bytes (max_packet_bytes_device)`;
  };

  #innerFailed(err: Error & { code?: string }): void {
    if (err.code === WS_MESSAGE_TOO_BIG) this.#refuse('oversized', 'WebSocket message over its maxPayload');
    else this.destroy(err);
  }

  #refuse(kind: 'oversized' | 'connect-timeout', reason: string): void {
    if (this.destroyed) return;
    this.#rules.onRefused(kind, reason, this);
    this.destroy();
  }
}

const packetWords = (type: number, size: number) => `${PACKET_NAMES[type]} of ${size} bytes`;
