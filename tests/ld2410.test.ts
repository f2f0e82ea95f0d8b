import { once } from 'node:events';
import fc from 'fast-check';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LD2410_BAUD_RATE,
  Ld2410Parser,
  type Ld2410Report,
  type Ld2410Target,
} from '../firmware/src/presence-sensor/ld2410.ts';

// The LD2410 report frames, built per the datasheet's serial protocol: header F4 F3 F2 F1, data
// length (u16 LE), data (type, 0xAA, target data, [engineering data], 0x55, 0x00), footer F8 F7 F6 F5.

/**
 * @serialport/binding-mock's MockBinding, the very instance SerialPortMock (a SerialPortStream over
 * it) opens ports with. Not imported from the package: it ships CommonJS and ESM copies, an
 * `import` here gets the ESM one, whose ports serialport's CommonJS copy cannot see (and its types
 * do not resolve under NodeNext).
 */
const MockBinding = SerialPortMock.binding;

const HEADER = [0xf4, 0xf3, 0xf2, 0xf1];
const FOOTER = [0xf8, 0xf7, 0xf6, 0xf5];
const TARGET_BYTE: Record<Ld2410Target, number> = { none: 0, moving: 1, stationary: 2, both: 3 };

const u16 = (n: number) => [n & 0xff, n >> 8];

function targetData(r: Ld2410Report): number[] {
  return [
    TARGET_BYTE[r.target],
    ...u16(r.movingCm),
    r.movingEnergy,
    ...u16(r.stationaryCm),
    r.stationaryEnergy,
    ...u16(r.detectionCm),
  ];
}

function frame(data: number[]): Buffer {
  return Buffer.from([...HEADER, ...u16(data.length), ...data, ...FOOTER]);
}

/** Basic mode: 13 bytes of data. */
function basic(r: Ld2410Report): Buffer {
  return frame([0x02, 0xaa, ...targetData(r), 0x55, 0x00]);
}

/**
 * Engineering mode: after the target data, the farthest moving and stationary gates (8 each), the
 * energy of each gate 0–8 for moving then stationary targets, and two bytes of extra information
 * (light level, OUT pin) — 35 bytes of data.
 */
function engineering(r: Ld2410Report, gateEnergies: number[] = [...Array(18).keys()]): Buffer {
  return frame([0x01, 0xaa, ...targetData(r), 8, 8, ...gateEnergies, 0x6e, 0x01, 0x55, 0x00]);
}

const SEATED: Ld2410Report = {
  target: 'stationary',
  movingCm: 0,
  movingEnergy: 0,
  stationaryCm: 81,
  stationaryEnergy: 59,
  detectionCm: 120,
};
const WALKING: Ld2410Report = {
  target: 'both',
  movingCm: 310,
  movingEnergy: 100,
  stationaryCm: 295,
  stationaryEnergy: 40,
  detectionCm: 600,
};
const EMPTY: Ld2410Report = {
  target: 'none',
  movingCm: 0,
  movingEnergy: 0,
  stationaryCm: 0,
  stationaryEnergy: 0,
  detectionCm: 0,
};

/** Feed chunks into a fresh parser, end it, and collect its reports. */
async function parse(...chunks: Buffer[]): Promise<{ reports: Ld2410Report[]; parser: Ld2410Parser }> {
  const parser = new Ld2410Parser();
  const reports: Ld2410Report[] = [];
  parser.on('data', (r: Ld2410Report) => reports.push(r));
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  await once(parser, 'end');
  return { reports, parser };
}

/** `bytes` cut at the given (arbitrary) offsets. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
}

const report = fc.record<Ld2410Report>({
  target: fc.constantFrom<Ld2410Target>('none', 'moving', 'stationary', 'both'),
  movingCm: fc.integer({ min: 0, max: 0xffff }),
  movingEnergy: fc.integer({ min: 0, max: 100 }),
  stationaryCm: fc.integer({ min: 0, max: 0xffff }),
  stationaryEnergy: fc.integer({ min: 0, max: 100 }),
  detectionCm: fc.integer({ min: 0, max: 0xffff }),
});

/** Line noise, a command acknowledgement, or a header cut short — never a whole data header. */
const garbage = fc
  .oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.constant(Uint8Array.from([0xfd, 0xfc, 0xfb, 0xfa, 0x04, 0x00, 0xff, 0x01, 0x00, 0x00, 4, 3, 2, 1])),
    fc.constant(Uint8Array.from([0xf4, 0xf3, 0xf2])),
    fc.constant(Uint8Array.from([0xf4, 0xf4, 0xf3])),
  )
  .map((bytes) => Buffer.from(bytes))
  .filter((bytes) => bytes.indexOf(Buffer.from(HEADER)) === -1);

describe('LD2410 report parser', () => {
  it('decodes a basic frame, each target state, with little-endian distances', async () => {
    const targets: Ld2410Target[] = ['none', 'moving', 'stationary', 'both'];
    const sent = targets.map((target, i) => ({ ...WALKING, target, movingCm: 0x0102 + i }));
    const { reports, parser } = await parse(Buffer.concat(sent.map(basic)));
    expect(reports).toEqual(sent);
    expect(reports[0]!.movingCm).toBe(258);
    expect(parser.dropped).toBe(0);
    expect(parser.skipped).toBe(0);
  });

  it('decodes engineering-mode frames to the same fields, gate energies aside', async () => {
    const { reports, parser } = await parse(engineering(SEATED), basic(WALKING), engineering(EMPTY));
    expect(reports).toEqual([SEATED, WALKING, EMPTY]);
    expect(parser.dropped).toBe(0);
  });

  it('finds every frame, whatever the chunk boundaries and the garbage around them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(garbage, report, fc.boolean()), { minLength: 1, maxLength: 8 }),
        garbage,
        fc.array(fc.nat(), { maxLength: 30 }),
        async (items, trailing, cuts) => {
          const bytes = Buffer.concat([
            ...items.flatMap(([noise, r, eng]) => [noise, eng ? engineering(r) : basic(r)]),
            trailing,
          ]);
          const { reports, parser } = await parse(...split(bytes, cuts));
          expect(reports).toEqual(items.map(([, r]) => r));
          expect(parser.dropped).toBe(0);
          expect(parser.skipped).toBe(items.reduce((n, [noise]) => n + noise.length, trailing.length));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one byte at a time is the same as all at once', async () => {
    const bytes = Buffer.concat([Buffer.from([0x00, 0xf4]), basic(SEATED), engineering(WALKING)]);
    const { reports } = await parse(...[...bytes].map((b) => Buffer.from([b])));
    expect(reports).toEqual([SEATED, WALKING]);
  });

  it.each([
    ['footer', (f: Buffer) => f.writeUInt8(0x00, f.length - 1)],
    ['tail 0x55', (f: Buffer) => f.writeUInt8(0x54, f.length - 6)],
    ['check 0x00', (f: Buffer) => f.writeUInt8(0x01, f.length - 5)],
    ['head 0xAA', (f: Buffer) => f.writeUInt8(0xab, 7)],
    ['data type', (f: Buffer) => f.writeUInt8(0x03, 6)],
    ['target state', (f: Buffer) => f.writeUInt8(0x04, 8)],
  ])('drops a frame with a wrong %s, counts it, and keeps the next', async (_what, corrupt) => {
    const bad = basic(SEATED);
    corrupt(bad);
    const { reports, parser } = await parse(basic(EMPTY), bad, basic(WALKING));
    expect(reports).toEqual([EMPTY, WALKING]);
    expect(parser.dropped).toBe(1);
  });

  it('drops a frame whose length is absurd (over 64) without waiting for it', async () => {
    const bad = basic(SEATED);
    bad.writeUInt16LE(0xffff, 4);
    const { reports, parser } = await parse(bad, basic(WALKING));
    expect(reports).toEqual([WALKING]);
    expect(parser.dropped).toBe(1);
  });

  it('finds a good frame hidden behind a corrupted but plausible length', async () => {
    const bad = basic(SEATED);
    bad.writeUInt16LE(40, 4); // the claimed frame swallows the next one
    const { reports, parser } = await parse(bad, basic(WALKING), basic(EMPTY));
    expect(reports).toEqual([WALKING, EMPTY]);
    expect(parser.dropped).toBe(1);
  });

  it('refuses a basic frame of the wrong size', async () => {
    const short = frame([0x02, 0xaa, ...targetData(SEATED).slice(0, 8), 0x55, 0x00]);
    const { reports, parser } = await parse(short, basic(WALKING));
    expect(reports).toEqual([WALKING]);
    expect(parser.dropped).toBe(1);
  });

  it('counts a frame cut short by the end of the stream as dropped, never throwing', async () => {
    const { reports, parser } = await parse(basic(SEATED), basic(WALKING).subarray(0, 15));
    expect(reports).toEqual([SEATED]);
    expect(parser.dropped).toBe(1);
  });

  it('works on the serialport stack: a SerialPortStream over the mock binding', async () => {
    const path = '/dev/ttyLD2410';
    MockBinding.createPort(path, { echo: false, record: false });
    const port = new SerialPortMock({ path, baudRate: LD2410_BAUD_RATE });
    try {
      await once(port, 'open');
      const parser = port.pipe(new Ld2410Parser());
      const reports: Ld2410Report[] = [];
      parser.on('data', (r: Ld2410Report) => reports.push(r));
      const bytes = Buffer.concat([Buffer.from([0x13, 0x37]), basic(SEATED), engineering(WALKING)]);
      port.port!.emitData(bytes.subarray(0, 11));
      port.port!.emitData(bytes.subarray(11));
      await expect.poll(() => reports, { timeout: 5_000 }).toEqual([SEATED, WALKING]);
      expect(port.baudRate).toBe(256_000);
      expect(parser.skipped).toBe(2);
    } finally {
      if (port.isOpen) await new Promise((resolve) => port.close(resolve));
    }
  });
});

afterEach(() => {
  MockBinding.reset();
});
