import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EndReason, MpvPlayer } from '../firmware/src/speaker/mpv.ts';
import { toneFile } from './helpers/audio.ts';

// The loudspeaker node's player: Debian's mpv over its JSON IPC socket, on the null audio output
// (it keeps real time, without a sound card). Real files in each format, a local HTTP stream,
// an offset, a program stopped for a higher tier and resumed where it was.

const dir = mkdtempSync(join(tmpdir(), 'tt-mpv-'));
const tone = (name: string, seconds: number, codec: string[]) => toneFile(dir, name, seconds, codec);
const files = {
  mp3: tone('ban-tin.mp3', 2, ['-c:a', 'libmp3lame']),
  ogg: tone('ban-tin.ogg', 2, ['-c:a', 'libopus']),
  wav: tone('ban-tin.wav', 2, []),
  long: tone('nhac.mp3', 6, ['-c:a', 'libmp3lame']),
};
/** The length of a file as sox reads it, in seconds. */
const soxLength = (file: string) =>
  Number(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      file,
    ]).toString(),
  );

let stream: Server;
let streamUrl: string;
const players: MpvPlayer[] = [];

beforeAll(async () => {
  // A relay as a commune would tiếp sóng: audio over HTTP with no length, sent as it is read.
  stream = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    createReadStream(files.mp3).pipe(res);
  });
  await new Promise<void>((resolve) => stream.listen(0, '127.0.0.1', resolve));
  streamUrl = `http://127.0.0.1:${(stream.address() as { port: number }).port}/vov1`;
});

afterAll(async () => {
  await Promise.all(players.map((p) => p.close()));
  await new Promise((resolve) => stream.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function player(): Promise<MpvPlayer> {
  const p = new MpvPlayer({ audioOutput: 'null' });
  players.push(p);
  await p.start();
  return p;
}

const ended = (p: MpvPlayer) =>
  new Promise<{ reason: EndReason; playedS: number; atMs: number }>((resolve) =>
    p.once('ended', (reason, playedS) => resolve({ reason, playedS, atMs: Date.now() })),
  );

describe('mpv player', () => {
  it.each(['mp3', 'ogg', 'wav'] as const)(
    'plays a %s file whole, loaded ahead, from the moment it is told',
    async (kind) => {
      const p = await player();
      await p.load(files[kind]);
      const end = ended(p);
      const askedMs = Date.now();
      const startedAt = await p.play();
      // Loaded ahead: sound follows the unpause at once, with no process or decoder to wait for.
      expect(startedAt - askedMs).toBeLessThan(100);
      const { reason, playedS } = await end;
      expect(reason).toBe('eof');
      expect(Math.abs(playedS - soxLength(files[kind]))).toBeLessThanOrEqual(0.1);
    },
  );

  it('keeps real time while it plays, and joins at an offset', async () => {
    const p = await player();
    await p.load(files.long, 2.5);
    const startedAt = await p.play();
    await new Promise((r) => setTimeout(r, 1000));
    const elapsedS = (Date.now() - startedAt) / 1000;
    expect(Math.abs((await p.position()) - (2.5 + elapsedS))).toBeLessThanOrEqual(0.1);
    await p.stop();
  });

  it('plays a local HTTP stream', async () => {
    const p = await player();
    await p.load(streamUrl);
    const end = ended(p);
    await p.play();
    const { reason, playedS } = await end;
    expect(reason).toBe('eof');
    expect(playedS).toBeGreaterThan(1.5);
  });

  it('stops a program for a higher tier at once, and resumes it where it was cut', async () => {
    const normal = await player();
    const emergency = await player();
    await normal.load(files.long);
    await emergency.load(files.wav); // loaded ahead, paused, while the other plays
    const cut = ended(normal);
    const normalStarted = await normal.play();
    await new Promise((r) => setTimeout(r, 1500));
    const emergencyEnd = ended(emergency);
    const [, emergencyStarted] = await Promise.all([normal.stop(), emergency.play()]);
    const stopped = await cut;
    expect(stopped.reason).toBe('stop');
    // What the player says it sounded matches the time it sounded, within 100 ms.
    expect(Math.abs(stopped.playedS - (stopped.atMs - normalStarted) / 1000)).toBeLessThanOrEqual(0.1);
    expect(emergencyStarted - stopped.atMs).toBeLessThan(100);
    expect((await emergencyEnd).reason).toBe('eof');
    // Resumed at its offset: the player stands where the program was cut.
    await normal.load(files.long, stopped.playedS);
    expect(Math.abs((await normal.position()) - stopped.playedS)).toBeLessThanOrEqual(0.05);
    await normal.play();
    await normal.stop();
  });

  it('takes a new load over one still loading, and the end of the first does not end the second', async () => {
    const p = await player();
    const first = p.load(files.long).catch((err: Error) => err.message);
    await p.load(files.wav);
    expect(await first).toBe('replaced by another load');
    const end = ended(p);
    await p.play();
    const { reason, playedS } = await end;
    expect(reason).toBe('eof');
    expect(Math.abs(playedS - soxLength(files.wav))).toBeLessThanOrEqual(0.1);
  });

  it('refuses what it cannot play, and says when the player itself is gone', async () => {
    const p = await player();
    await expect(p.load(join(dir, 'khong-co.mp3'))).rejects.toThrow();
    const exit = new Promise<number | null>((resolve) => p.once('exit', resolve));
    await p.load(files.long);
    await p.play();
    process.kill(p.pid!, 'SIGKILL'); // the player crashes mid-program
    expect(await exit).toBeNull();
    expect(p.running).toBe(false);
    await expect(p.position()).rejects.toThrow(/mpv is not running/);
  });
});
