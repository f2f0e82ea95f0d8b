import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { text } from '../config/schema.ts';
import { HubError } from '../errors.ts';
import type { Asset, Assets } from './assets.ts';
import { invalid } from './invalid.ts';
import { type SpeechEngine, speak } from './speech.ts';

/** The longest a stream is relayed for, and the longest a spoken bulletin may be written. */
const MAX_STREAM_S = 4 * 3600;
const MAX_TEXT_CHARS = 5000;

/**
 * What a program airs (nội dung), as its author writes it: uploaded audio (by the sha256 the
 * upload answered), Vietnamese text the hub speaks, or a stream relayed for a set duration.
 */
export const ContentInput = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('audio'),
      asset: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be the sha256 an upload answered' }),
    }),
    z.strictObject({ kind: z.literal('text'), text: text.max(MAX_TEXT_CHARS) }),
    z.strictObject({
      kind: z.literal('stream'),
      url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      duration_s: z.number().positive().max(MAX_STREAM_S),
    }),
  ],
  { error: 'kind must be audio, text or stream' },
);
export type ContentInput = z.infer<typeof ContentInput>;

/** Content as a program keeps it: audio and text both air an asset (text through speech). */
export type Content =
  | { kind: 'audio'; asset: string }
  | { kind: 'text'; text: string; asset: string }
  | { kind: 'stream'; url: string; duration_s: number };

/**
 * Turns what an author wrote into what the speakers air: an uploaded asset is looked up, a text is
 * written out for the ear (`speakable`), spoken by the site's speech engine and kept as an asset
 * like an upload; its length is the program's.
 */
export class Contents {
  readonly #assets: Assets;
  readonly #engine: SpeechEngine;

  constructor(deps: { assets: Assets; engine: SpeechEngine }) {
    this.#assets = deps.assets;
    this.#engine = deps.engine;
  }

  async resolve(input: ContentInput, by: string): Promise<{ content: Content; durationMs: number }> {
    switch (input.kind) {
      case 'audio': {
        const asset = this.#assets.get(input.asset);
        if (!asset) {
          throw invalid('content.asset', {
            vi: `không có tệp âm thanh đã tải lên có sha256 ${input.asset}`,
            en: `no uploaded audio has sha256 ${input.asset}`,
          });
        }
        return { content: input, durationMs: asset.durationMs };
      }
      case 'text': {
        const asset = await this.speak(input.text, by);
        return { content: { ...input, asset: asset.sha256 }, durationMs: asset.durationMs };
      }
      case 'stream':
        return { content: input, durationMs: input.duration_s * 1000 };
    }
  }

  /** A text spoken and kept as an asset (also the preview an operator listens to before writing). */
  async speak(bulletin: string, by: string): Promise<Asset> {
    const dir = await mkdtemp(join(tmpdir(), 'tt-speech-'));
    try {
      const wav = join(dir, 'bulletin.wav');
      try {
        await speak(this.#engine, bulletin, wav);
      } catch (err) {
        throw new HubError('TT_SPEECH_FAILED', (err as Error).message);
      }
      return await this.#assets.add(`${bulletin.slice(0, 60)}.wav`, await readFile(wav), by);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The uploaded or spoken asset a program airs; none for a stream. */
  asset(content: Content): Asset | undefined {
    return content.kind === 'stream' ? undefined : this.#assets.get(content.asset);
  }
}
