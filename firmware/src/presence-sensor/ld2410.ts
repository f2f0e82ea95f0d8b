import { Transform, type TransformCallback } from 'node:stream';

/** The HLK-LD2410's UART: 256000 baud, 8N1 (datasheet "serial communication protocol" §1). */
export const LD2410_BAUD_RATE = 256_000;

export type Ld2410Target = 'none' | 'moving' | 'stationary' | 'both';

/** One report frame: the module's own verdict (`target`) and what it measured. */
export type Ld2410Report = {
  target: Ld2410Target;
  movingCm: number;
  movingEnergy: number;
  stationaryCm: number;
  stationaryEnergy: number;
  /** How far the module looks, from its configured gates. */
  detectionCm: number;
};

const HEADER = Buffer.from([0xf4, 0xf3, 0xf2, 0xf1]);
const FOOTER = Buffer.from([0xf8, 0xf7, 0xf6, 0xf5]);
/** Header and the 2-byte length before the data, footer after it. */
const FRAMING = HEADER.length + 2 + FOOTER.length;
/** Report data is 13 bytes in basic mode and 35 in engineering mode: longer is a corrupted length. */
const MAX_DATA_LENGTH = 64;
const BASIC_DATA_LENGTH = 13;
/** Engineering data adds at least the two "max gate" bytes before its per-gate energies. */
const MIN_ENGINEERING_DATA_LENGTH = BASIC_DATA_LENGTH + 2;
const TYPE_ENGINEERING = 0x01;
const TYPE_BASIC = 0x02;
const DATA_HEAD = 0xaa;
const DATA_TAIL = 0x55;
const DATA_CHECK = 0x00;
const TARGETS: readonly Ld2410Target[] = ['none', 'moving', 'stationary', 'both'];

/**
 * Bytes from the LD2410's UART in, in chunks of any size; its report frames out, decoded
 * (object mode). Garbage is skipped up to the next header, which also skips the module's command
 * acknowledgements (header FD FC FB FA). A frame with an absurd length, a wrong footer, head, tail
 * or check is counted in `dropped` and the search resumes one byte after its header, so that a
 * good frame hidden behind a corrupted length is still found. Nothing here throws on input.
 *
 * Not @serialport/parser-packet-length: with a 4-byte delimiter its sliding window drops the newest
 * byte instead of the oldest, so one stray byte before a header loses every frame after it; it also
 * emits over-long packets instead of refusing them and checks no footer.
 *
 * @example
 * const parser = new SerialPort({ path: '/dev/serial0', baudRate: LD2410_BAUD_RATE }).pipe(new Ld2410Parser());
 * parser.on('data', (report: Ld2410Report) => detector.feed(report.target !== 'none'));
 */
export class Ld2410Parser extends Transform {
  /** Frames refused: absurd length, or a wrong footer, data head, tail or check. */
  dropped = 0;
  /** Bytes discarded while looking for a header (noise, command acks, bodies of refused frames). */
  skipped = 0;
  #pending: Buffer = Buffer.alloc(0);

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#scan(this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk, false);
    done();
  }

  override _flush(done: TransformCallback): void {
    // The stream ended: a frame still incomplete never will be, but one behind it may be whole.
    this.#scan(this.#pending, true);
    done();
  }

  /** Emit every frame in `bytes`; keep what may still become one, unless the input has ended. */
  #scan(bytes: Buffer, final: boolean): void {
    let at = 0;
    for (;;) {
      const start = bytes.indexOf(HEADER, at);
      if (start === -1) {
        // The tail may be the start of a header split across chunks.
        const keep = final ? 0 : Math.min(HEADER.length - 1, bytes.length - at);
        this.skipped += bytes.length - at - keep;
        at = bytes.length - keep;
        break;
      }
      this.skipped += start - at;
      at = start;
      const length =
        bytes.length - at >= HEADER.length + 2 ? bytes.readUInt16LE(at + HEADER.length) : undefined;
      if (length !== undefined && length > MAX_DATA_LENGTH) {
        this.#refuse();
        at += 1;
        continue;
      }
      const end = at + FRAMING + (length ?? 0);
      if (length === undefined || bytes.length < end) {
        if (!final) break; // the rest is still on the wire
        this.#refuse();
        at += 1;
        continue;
      }
      const data = bytes.subarray(at + HEADER.length + 2, end - FOOTER.length);
      const report = bytes.subarray(end - FOOTER.length, end).equals(FOOTER) ? decode(data) : undefined;
      if (!report) {
        this.#refuse();
        at += 1;
        continue;
      }
      this.push(report);
      at = end;
    }
    // A copy, so that the pending bytes do not keep a whole chunk alive.
    this.#pending = Buffer.from(bytes.subarray(at));
  }

  /** Refuse the frame at hand: its header's first byte is discarded, the rest searched again. */
  #refuse(): void {
    this.dropped += 1;
    this.skipped += 1;
  }
}

/**
 * The intra-frame data: type, head 0xAA, target state, moving distance (u16 LE cm) and energy,
 * stationary distance and energy, detection distance, [engineering: gates and their energies],
 * tail 0x55, check 0x00.
 */
function decode(data: Buffer): Ld2410Report | undefined {
  const type = data[0];
  const lengthFits =
    (type === TYPE_BASIC && data.length === BASIC_DATA_LENGTH) ||
    (type === TYPE_ENGINEERING && data.length >= MIN_ENGINEERING_DATA_LENGTH);
  if (!lengthFits) return undefined;
  if (data[1] !== DATA_HEAD || data.at(-2) !== DATA_TAIL || data.at(-1) !== DATA_CHECK) return undefined;
  const target = TARGETS[data[2]!];
  if (!target) return undefined;
  return {
    target,
    movingCm: data.readUInt16LE(3),
    movingEnergy: data[5]!,
    stationaryCm: data.readUInt16LE(6),
    stationaryEnergy: data[8]!,
    detectionCm: data.readUInt16LE(9),
  };
}
