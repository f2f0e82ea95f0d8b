import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandEngine, ESPEAK_NG, speak, wavDurationMs } from '../hub/src/broadcasts/speech.ts';

// Bulletins spoken by Debian's espeak-ng, Vietnamese voice; the audio measured by sox, independently.

const dir = mkdtempSync(join(tmpdir(), 'tt-speech-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BULLETIN =
  'UBND xã Tân Lập thông báo: từ 7h30 ngày 02/12/2026, bộ phận một cửa tiếp nhận hồ sơ TTHC về BHYT. ' +
  'Mức hỗ trợ 1.500.000 đồng mỗi hộ. Liên hệ 0243 812 345.';
const soxSeconds = (file: string) => Number(execFileSync('soxi', ['-D', file]).toString());
/** sox's RMS amplitude of a file (sox prints its statistics on stderr). */
const rmsAmplitude = (file: string) =>
  Number(
    /RMS\s+amplitude:\s+([\d.]+)/.exec(
      execFileSync('sh', ['-c', `sox "${file}" -n stat 2>&1`]).toString(),
    )?.[1],
  );

describe('speech', () => {
  it('speaks a Vietnamese bulletin, written out first, and measures the audio it made', async () => {
    const file = join(dir, 'ban-tin.wav');
    const { spoken, durationMs } = await speak(commandEngine(ESPEAK_NG), BULLETIN, file);
    expect(spoken).toContain('Ủy ban nhân dân xã Tân Lập');
    expect(spoken).toContain('bảy giờ ba mươi phút ngày mồng hai tháng mười hai');
    expect(spoken).not.toMatch(/\d/);
    // The duration read from the file is the one sox measures, and the bulletin is heard, not silent.
    expect(Math.abs(durationMs / 1000 - soxSeconds(file))).toBeLessThan(0.01);
    expect(durationMs).toBeGreaterThan(10_000);
    expect(durationMs).toBeLessThan(60_000);
    expect(rmsAmplitude(file)).toBeGreaterThan(0.02);
  });

  it('takes longer to say more', async () => {
    const short = await speak(commandEngine(ESPEAK_NG), 'Kính thưa bà con.', join(dir, 'short.wav'));
    const long = await speak(
      commandEngine(ESPEAK_NG),
      `Kính thưa bà con. ${BULLETIN}`,
      join(dir, 'long.wav'),
    );
    expect(long.durationMs).toBeGreaterThan(short.durationMs + 5_000);
  });

  it('says which engine failed and why', async () => {
    await expect(speak(commandEngine(['tt-no-such-engine']), 'xin chào', join(dir, 'x.wav'))).rejects.toThrow(
      /speech engine tt-no-such-engine could not start/,
    );
    await expect(
      speak(commandEngine(['sh', '-c', 'echo no voice >&2; exit 3']), 'xin chào', join(dir, 'y.wav')),
    ).rejects.toThrow(/speech engine sh exited with 3: no voice/);
    // A header whose data size was left 0 counts to the end of the file.
    const streamed = readFileSync(join(dir, 'short.wav'));
    const at = streamed.indexOf('data') + 4;
    const frames = streamed.readUInt32LE(at);
    streamed.writeUInt32LE(0, at);
    writeFileSync(join(dir, 'streamed.wav'), streamed);
    expect(await wavDurationMs(join(dir, 'streamed.wav'))).toBe(await wavDurationMs(join(dir, 'short.wav')));
    expect(frames).toBeGreaterThan(0);
    const notWav = join(dir, 'not.wav');
    writeFileSync(notWav, 'ID3 not a wav');
    await expect(wavDurationMs(notWav)).rejects.toThrow(/is not a WAV file/);
  });
});
