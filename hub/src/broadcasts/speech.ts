import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { speakable } from './speakable.ts';

/**
 * A speech engine (bộ đọc văn bản): Vietnamese text in, a WAV file out. The hub speaks through
 * this port only, so a commune can plug in a better offline voice than espeak-ng's.
 */
export type SpeechEngine = { name: string; speak(text: string, wavFile: string): Promise<void> };

/**
 * An engine run as a command, the text on its standard input; `{out}` in its arguments is the
 * WAV file to write. espeak-ng (Debian's `espeak-ng`, Vietnamese voice) is
 * `['espeak-ng', '-v', 'vi', '--stdin', '-w', '{out}']`; a Piper voice the commune installed is
 * `['piper', '--model', '/opt/voices/vi.onnx', '--output_file', '{out}']`.
 */
export function commandEngine(command: readonly string[]): SpeechEngine {
  const [program, ...args] = command;
  if (!program) throw new Error('a speech command needs a program');
  return {
    name: program,
    speak: (text, wavFile) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          program,
          args.map((arg) => arg.replaceAll('{out}', wavFile)),
          { stdio: ['pipe', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr = (stderr + chunk.toString()).slice(-500);
        });
        child.on('error', (err) =>
          reject(new Error(`speech engine ${program} could not start: ${err.message}`)),
        );
        child.on('close', (code) =>
          code === 0
            ? resolve()
            : reject(new Error(`speech engine ${program} exited with ${code}: ${stderr.trim()}`)),
        );
        // An engine that exits before reading it all closes the pipe; its exit code says why.
        child.stdin.on('error', () => {});
        child.stdin.end(text);
      }),
  };
}

/** Debian's espeak-ng with its Vietnamese voice (Northern). */
export const ESPEAK_NG = ['espeak-ng', '-v', 'vi', '--stdin', '-w', '{out}'] as const;

/**
 * A bulletin spoken to a WAV file: the text written out for the engine first (`speakable`), and
 * the length of the audio read back from the file.
 */
export async function speak(
  engine: SpeechEngine,
  text: string,
  wavFile: string,
): Promise<{ spoken: string; durationMs: number }> {
  const spoken = speakable(text);
  await engine.speak(spoken, wavFile);
  return { spoken, durationMs: await wavDurationMs(wavFile) };
}

/**
 * The length of a PCM WAV file from its header: the `data` chunk's bytes over the `fmt ` chunk's
 * byte rate. A size left unset by an engine that streamed its output counts to the end of the file.
 */
export async function wavDurationMs(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(Math.min(size, 4096));
    await handle.read(header, 0, header.length, 0);
    if (header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') {
      throw new Error(`${file} is not a WAV file`);
    }
    let byteRate = 0;
    for (let at = 12; at + 8 <= header.length; ) {
      const id = header.toString('ascii', at, at + 4);
      const length = header.readUInt32LE(at + 4);
      if (id === 'fmt ') byteRate = header.readUInt32LE(at + 16);
      if (id === 'data') {
        if (!byteRate) break;
        // Unset (0, or all ones) by an engine that wrote its header before it knew the length.
        const bytes = length === 0 ? size - (at + 8) : Math.min(length, size - (at + 8));
        return Math.round((bytes / byteRate) * 1000);
      }
      at += 8 + length + (length % 2);
    }
    throw new Error(`${file} has no PCM data a duration can be read from`);
  } finally {
    await handle.close();
  }
}
