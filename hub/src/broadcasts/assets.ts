import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuffer } from 'music-metadata';
import { HubError } from '../errors.ts';
import { type Store, statement } from '../store/index.ts';

/** The audio formats a commune's recordings come in, and the file ending each is kept with. */
const FORMATS: ReadonlyArray<{ container: RegExp; codec: RegExp; ext: string }> = [
  { container: /^WAVE$/, codec: /PCM/, ext: 'wav' },
  { container: /^MPEG$/, codec: /Layer 3/, ext: 'mp3' },
  { container: /^Ogg$/, codec: /Opus|Vorbis/, ext: 'ogg' },
  { container: /^M4A|^mp4|MPEG-4/i, codec: /AAC/, ext: 'm4a' },
];

/** An audio file the radio can air (nội dung): kept by its sha256, probed for codec and length. */
export type Asset = {
  sha256: string;
  name: string;
  codec: string;
  durationMs: number;
  bytes: number;
  /** Its file name under the asset directory. */
  file: string;
  addedBy: string;
  addedAt: string;
};

/**
 * Uploaded audio, stored under `TT_DATA_DIR/assets` by its sha256 (the speakers verify it after
 * download) and probed with music-metadata, so the hub needs no ffmpeg. What is not audio of a
 * known format, or larger than the limit, is refused with a coded error, and nothing is kept.
 */
export class Assets {
  readonly #db: Store;
  readonly #dir: string;
  /** The largest upload taken (the site config's broadcast.max_upload_mb). */
  readonly maxBytes: number;
  readonly #now: () => Date;

  constructor(deps: { db: Store; dir: string; maxBytes: number; now?: () => Date }) {
    this.#db = deps.db;
    this.#dir = deps.dir;
    this.maxBytes = deps.maxBytes;
    this.#now = deps.now ?? (() => new Date());
  }

  async add(name: string, data: Uint8Array, by: string): Promise<Asset> {
    if (data.byteLength > this.maxBytes) {
      throw new HubError('TT_ASSET_TOO_LARGE', {
        vi: `"${name}" nặng ${data.byteLength} byte; tối đa ${this.maxBytes}`,
        en: `"${name}" is ${data.byteLength} bytes; the limit is ${this.maxBytes}`,
      });
    }
    const { codec, durationMs, ext } = await probe(name, data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const known = this.get(sha256);
    if (known) return known;
    const file = `${sha256}.${ext}`;
    mkdirSync(this.#dir, { recursive: true });
    // Written whole or not at all: a speaker must never download half a file under its hash.
    const partial = join(this.#dir, `.${file}.partial`);
    writeFileSync(partial, data);
    try {
      renameSync(partial, join(this.#dir, file));
      statement(
        this.#db,
        `INSERT INTO assets (sha256, name, codec, duration_ms, bytes, file, added_by, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(sha256, name, codec, durationMs, data.byteLength, file, by, this.#now().toISOString());
    } catch (err) {
      for (const left of [partial, join(this.#dir, file)]) rmSync(left, { force: true });
      throw err;
    }
    return this.get(sha256)!;
  }

  get(sha256: string): Asset | undefined {
    const row = statement(this.#db, 'SELECT * FROM assets WHERE sha256 = ?').get(sha256) as
      | AssetRow
      | undefined;
    return row && fromRow(row);
  }

  /** Where the file of an asset is, for the HTTP download. */
  path(asset: Asset): string {
    return join(this.#dir, asset.file);
  }
}

async function probe(
  name: string,
  data: Uint8Array,
): Promise<{ codec: string; durationMs: number; ext: string }> {
  const notAudio = (found: string) =>
    new HubError('TT_ASSET_NOT_AUDIO', {
      vi: `"${name}" ${found}; cần mp3, wav, ogg/opus hoặc m4a`,
      en: `"${name}" ${found}; expected mp3, wav, ogg/opus or m4a`,
    });
  let format: { container?: string; codec?: string; duration?: number };
  try {
    ({ format } = await parseBuffer(data, undefined, { duration: true, skipCovers: true }));
  } catch {
    throw notAudio('is not audio');
  }
  const { container = '', codec = '', duration } = format;
  const known = FORMATS.find((f) => f.container.test(container) && f.codec.test(codec));
  if (!known) throw notAudio(`is ${container || 'an unknown container'} ${codec}`.trim());
  if (!duration || !Number.isFinite(duration) || duration <= 0)
    throw notAudio('has no length that can be read');
  return { codec: `${container}/${codec}`, durationMs: Math.round(duration * 1000), ext: known.ext };
}

type AssetRow = {
  sha256: string;
  name: string;
  codec: string;
  duration_ms: number;
  bytes: number;
  file: string;
  added_by: string;
  added_at: string;
};

const fromRow = (row: AssetRow): Asset => ({
  sha256: row.sha256,
  name: row.name,
  codec: row.codec,
  durationMs: Number(row.duration_ms),
  bytes: Number(row.bytes),
  file: row.file,
  addedBy: row.added_by,
  addedAt: row.added_at,
});
