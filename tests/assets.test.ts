import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Assets } from '../hub/src/broadcasts/assets.ts';
import { HubError } from '../hub/src/errors.ts';
import { openStore } from '../hub/src/store/index.ts';

// Uploaded audio: real recordings in each format a commune has, made here with espeak-ng and ffmpeg.

const dir = mkdtempSync(join(tmpdir(), 'tt-assets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wav = join(dir, 'ban-tin.wav');
execFileSync('espeak-ng', ['-v', 'vi', '-w', wav, 'Kính thưa bà con, đây là bản tin của xã Tân Lập.']);
const encoded = (ext: string, codec: string[]) => {
  const out = join(dir, `ban-tin.${ext}`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...codec, out]);
  return out;
};
const files = {
  wav,
  mp3: encoded('mp3', []),
  ogg: encoded('ogg', ['-c:a', 'libopus']),
  m4a: encoded('m4a', ['-c:a', 'aac']),
};
const seconds = Number(execFileSync('soxi', ['-D', wav]).toString());

function store(maxBytes = 5_000_000) {
  const assets = join(dir, `store-${Math.random().toString(36).slice(2)}`);
  return { assets, store: new Assets({ db: openStore(':memory:'), dir: assets, maxBytes }) };
}

async function refusal(call: Promise<unknown>) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HubError);
  return err as HubError;
}

describe('assets', () => {
  it.each(Object.entries(files))(
    'takes %s audio, its codec and length probed, kept by its sha256',
    async (ext, file) => {
      const { store: s } = store();
      const data = readFileSync(file);
      const asset = await s.add(`ban-tin.${ext}`, data, 'phat-thanh-vien');
      expect(asset.sha256).toBe(execFileSync('sha256sum', [file]).toString().split(' ')[0]);
      expect(asset.file).toBe(`${asset.sha256}.${ext}`);
      expect(asset.bytes).toBe(data.byteLength);
      // Encoders pad a little; the length is the recording's to within a tenth of a second.
      expect(Math.abs(asset.durationMs / 1000 - seconds)).toBeLessThan(0.1);
      expect(readFileSync(s.path(asset))).toEqual(data);
    },
  );

  it('keeps the same recording once', async () => {
    const { store: s, assets } = store();
    const data = readFileSync(files.mp3);
    const first = await s.add('a.mp3', data, 'phat-thanh-vien');
    const again = await s.add('b.mp3', data, 'lanh-dao');
    expect(again).toEqual(first);
    expect(readdirSync(assets)).toEqual([first.file]);
  });

  it('refuses what is not audio, and what is too large, and keeps nothing of it', async () => {
    const { store: s, assets } = store(100_000);
    const text = await refusal(
      s.add('thong-bao.pdf', Buffer.from('%PDF-1.4 not audio at all'), 'phat-thanh-vien'),
    );
    expect(text.code).toBe('TT_ASSET_NOT_AUDIO');
    expect(text.message).toMatch(/"thong-bao.pdf" is not audio; expected mp3, wav, ogg\/opus or m4a/);
    const big = await refusal(s.add('dai.wav', readFileSync(files.wav), 'phat-thanh-vien'));
    expect(big.code).toBe('TT_ASSET_TOO_LARGE');
    expect(big.message).toMatch(/"dai.wav" is \d+ bytes; the limit is 100000/);
    expect(existsSync(assets) ? readdirSync(assets) : []).toEqual([]);
  });
});
