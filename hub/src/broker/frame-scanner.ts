/** The fixed header of an MQTT packet (MQTT 3.1.1 §2.2): its type and how long the whole packet is. */
export type FixedHeader = { type: number; remainingLength: number; size: number };

// §2.2.3: the Remaining Length takes at most four bytes, so a packet is at most 256 MB.
const MAX_LENGTH_BYTES = 4;

export const PACKET_NAMES = [
  'reserved',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'reserved',
] as const;

/**
 * Follows packet boundaries in a raw MQTT byte stream without keeping any of it. Every packet
 * declares its length before its body, so a packet can be judged from its first five bytes,
 * before the body arrives and before mqtt-packet's parser buffers it whole.
 */
export class FrameScanner {
  #type = -1; // -1 while waiting for the first byte of the next packet
  #length = 0;
  #lengthBytes = 0;
  #bodyLeft = 0;
  #completed = 0;

  /** Packets received whole so far. */
  get completed(): number {
    return this.#completed;
  }

  /**
   * Walks `chunk`; `judge` sees each fixed header as soon as it is complete and may refuse the
   * packet with a reason. Returns the first refusal, after which the stream must be dropped.
   */
  scan(chunk: Uint8Array, judge: (header: FixedHeader) => string | undefined): string | undefined {
    let at = 0;
    while (at < chunk.length) {
      if (this.#bodyLeft > 0) {
        const take = Math.min(this.#bodyLeft, chunk.length - at);
        this.#bodyLeft -= take;
        at += take;
        if (this.#bodyLeft === 0) this.#completed += 1;
        continue;
      }
      const byte = chunk[at++]!;
      if (this.#type < 0) {
        this.#type = byte >> 4;
        this.#length = 0;
        this.#lengthBytes = 0;
        continue;
      }
      this.#length += (byte & 0x7f) * 128 ** this.#lengthBytes;
      this.#lengthBytes += 1;
      if (byte & 0x80) {
        if (this.#lengthBytes === MAX_LENGTH_BYTES) return 'remaining length longer than four bytes (§2.2.3)';
        continue;
      }
      const header = {
        type: this.#type,
        remainingLength: this.#length,
        size: 1 + this.#lengthBytes + this.#length,
      };
      this.#type = -1;
      const refusal = judge(header);
      if (refusal) return refusal;
      this.#bodyLeft = header.remainingLength;
      if (this.#bodyLeft === 0) this.#completed += 1;
    }
    return undefined;
  }
}
