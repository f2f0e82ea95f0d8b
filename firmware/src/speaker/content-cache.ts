import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset } from '../../../protocol/index.ts';

export type ContentCacheOptions = {
  dir: string;
  /** The most the cache keeps on the node's storage. */
  maxBytes: number;
  /** HTTP Basic credentials: the node's device id and secret. */
  id: string;
  secret: string;
  /** Tries per download before it is reported failed, `retryMs` apart and growing. */
  tries?: number;
  retryMs?: number;
  timeoutMs?: number;
};

const SHA256_FILE = /^[0-9a-f]{64}$/;

/**
 * The node's audio, downloaded from the hub with its own device credentials, verified (size and
 * sha256) before it counts, and kept on the node's storage under its sha256 so that it survives a
 * reboot and a program airs while the hub is away. Bounded: to make room it drops what no play
 * held on the node needs, least recently used first.
 */
export class ContentCache {
  readonly #o: Required<ContentCacheOptions>;
  readonly #authorization: string;
  /** Files on the storage by sha256, with their size and when they were last needed. */
  readonly #files = new Map<string, { bytes: number; usedAt: number }>();
  /** Downloads under way: a second ask for the same asset waits for the first. */
  readonly #downloads = new Map<string, Promise<void>>();

  constructor(options: ContentCacheOptions) {
    this.#o = { tries: 3, retryMs: 1000, timeoutMs: 60_000, ...options };
    this.#authorization = `Basic ${Buffer.from(`${options.id}:${options.secret}`).toString('base64')}`;
    mkdirSync(options.dir, { recursive: true });
    for (const name of readdirSync(options.dir)) {
      const path = join(options.dir, name);
      // A download cut by a reboot left its partial file: it is dropped, never trusted.
      if (!SHA256_FILE.test(name)) {
        rmSync(path, { force: true });
        continue;
      }
      const { size, mtimeMs } = statSync(path);
      this.#files.set(name, { bytes: size, usedAt: mtimeMs });
    }
  }

  /** Bytes kept now. */
  get bytes(): number {
    let total = 0;
    for (const file of this.#files.values()) total += file.bytes;
    return total;
  }

  has(sha256: string): boolean {
    return this.#files.has(sha256);
  }

  /** Where a cached asset is, for the player. */
  path(sha256: string): string {
    return join(this.#o.dir, sha256);
  }

  /**
   * The asset on the node's storage, downloaded and verified if it is not yet; `keep` are the
   * assets the plays held on the node need, which making room never drops. Rejects with the reason
   * (download, size, sha256, no room) once every try failed.
   */
  async fetch(asset: Asset, keep: ReadonlySet<string> = new Set()): Promise<string> {
    const known = this.#files.get(asset.sha256);
    if (known) {
      known.usedAt = Date.now();
      return this.path(asset.sha256);
    }
    let download = this.#downloads.get(asset.sha256);
    if (!download) {
      download = this.#download(asset, keep).finally(() => this.#downloads.delete(asset.sha256));
      this.#downloads.set(asset.sha256, download);
    }
    await download;
    return this.path(asset.sha256);
  }

  async #download(asset: Asset, keep: ReadonlySet<string>): Promise<void> {
    let problem = '';
    for (let attempt = 1; attempt <= this.#o.tries; attempt++) {
      problem = await this.#tryDownload(asset, keep);
      if (!problem) return;
      // A checksum that does not match is the content, not the network: trying again will not help.
      if (problem.startsWith('sha256') || problem.startsWith('no room')) break;
      if (attempt < this.#o.tries) await new Promise((r) => setTimeout(r, this.#o.retryMs * attempt));
    }
    throw new Error(problem);
  }

  async #tryDownload(asset: Asset, keep: ReadonlySet<string>): Promise<string> {
    let bytes: Uint8Array;
    try {
      const response = await fetch(asset.url, {
        headers: { authorization: this.#authorization },
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      if (!response.ok) return `download failed: HTTP ${response.status}`;
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      return `download failed: ${(err as Error).message}`;
    }
    if (bytes.byteLength !== asset.bytes) return `size ${bytes.byteLength} bytes, expected ${asset.bytes}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== asset.sha256) return `sha256 ${sha256} does not match`;
    if (!this.#makeRoom(bytes.byteLength, keep))
      return `no room: ${asset.bytes} bytes over the cache's ${this.#o.maxBytes}`;
    // Written whole, then named by its hash: a cut leaves a partial file, which the next start drops.
    const partial = join(this.#o.dir, `${sha256}.partial`);
    writeFileSync(partial, bytes);
    renameSync(partial, this.path(sha256));
    this.#files.set(sha256, { bytes: bytes.byteLength, usedAt: Date.now() });
    return '';
  }

  /** Drop the least recently used files no held play needs until `bytes` more fit. */
  #makeRoom(bytes: number, keep: ReadonlySet<string>): boolean {
    if (bytes > this.#o.maxBytes) return false;
    const droppable = [...this.#files.entries()]
      .filter(([sha]) => !keep.has(sha))
      .sort(([, a], [, b]) => a.usedAt - b.usedAt);
    while (this.bytes + bytes > this.#o.maxBytes) {
      const next = droppable.shift();
      if (!next) return false;
      rmSync(this.path(next[0]), { force: true });
      this.#files.delete(next[0]);
    }
    return true;
  }
}
