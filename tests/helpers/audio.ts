import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A silent PCM WAV file `seconds` long, small enough to hand to twenty speakers: 1 kHz, 8-bit,
 * mono (1 kB a second). Its length is what any reader of the header computes.
 */
export function silentWav(seconds: number, sampleRate = 1000): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate, 28); // byte rate: one byte a sample
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples, 40);
  // 8-bit PCM is unsigned: 128 is silence.
  return Buffer.concat([header, Buffer.alloc(samples, 128)]);
}

/**
 * A real recording made by ffmpeg: a tone `seconds` long at `frequency` Hz, written to `dir/name`
 * in the format its ending says (mp3, ogg with `codec` ['-c:a', 'libopus'], wav); its path.
 */
export function toneFile(
  dir: string,
  name: string,
  seconds: number,
  codec: readonly string[] = [],
  frequency = 440,
): string {
  const file = join(dir, name);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${frequency}:duration=${seconds}`,
    ...codec,
    file,
  ]);
  return file;
}
