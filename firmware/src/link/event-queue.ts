import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';

/** An event waiting for its PUBACK; `key` is its identity `boot:seq` (DESIGN §4). */
export type QueuedEvent = { key: string; topic: string; body: Record<string, unknown> };

/** The device's offline queue: events stay until the hub acknowledged them, oldest first. */
export interface EventQueue {
  push(event: QueuedEvent): void;
  /** The oldest `n` events, oldest first. */
  peek(n: number): QueuedEvent[];
  /** Drop an acknowledged event; false when it was not queued (e.g. acknowledged twice). */
  remove(key: string): boolean;
  readonly length: number;
  close(): void;
}

/** For boards without storage: the queue lives as long as the program. */
export class MemoryQueue implements EventQueue {
  protected readonly events = new Map<string, QueuedEvent>();

  push(event: QueuedEvent): void {
    this.events.set(event.key, event);
  }

  peek(n: number): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    for (const event of this.events.values()) {
      if (out.length >= n) break;
      out.push(event);
    }
    return out;
  }

  remove(key: string): boolean {
    return this.events.delete(key);
  }

  get length(): number {
    return this.events.size;
  }

  close(): void {}
}

const COMPACT_AFTER_LINES = 2_000;

/**
 * For boards with storage (a Pi Zero's SD card): an append-only journal, one line per pushed event
 * and one per acknowledgement. A push is fsync'd before it returns, so an event survives a power cut
 * the moment it is recorded; a lost acknowledgement line only means one harmless resend, which the
 * hub deduplicates. Replayed on open (a torn last line is skipped) and compacted as it grows.
 */
export class FileQueue extends MemoryQueue {
  readonly #path: string;
  #fd: number;
  #lines = 0;

  constructor(path: string) {
    super();
    this.#path = path;
    if (existsSync(path)) this.#replay(readFileSync(path, 'utf8'));
    this.#compact();
    this.#fd = openSync(path, 'a');
  }

  override push(event: QueuedEvent): void {
    super.push(event);
    this.#append(JSON.stringify(event), true);
  }

  override remove(key: string): boolean {
    if (!super.remove(key)) return false;
    this.#append(JSON.stringify({ ack: key }), false);
    if (this.#lines > COMPACT_AFTER_LINES && this.#lines > 4 * this.length) {
      closeSync(this.#fd);
      this.#compact();
      this.#fd = openSync(this.#path, 'a');
    }
    return true;
  }

  override close(): void {
    closeSync(this.#fd);
  }

  #append(line: string, durable: boolean): void {
    writeSync(this.#fd, `${line}\n`);
    if (durable) fsyncSync(this.#fd);
    this.#lines += 1;
  }

  #replay(text: string): void {
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry: QueuedEvent | { ack: string };
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // the line a power cut tore in half: its event was never acknowledged to anyone
      }
      if ('ack' in entry) this.events.delete(entry.ack);
      else this.events.set(entry.key, entry);
    }
  }

  /** Rewrite the journal with only the waiting events, atomically (write, fsync, rename). */
  #compact(): void {
    const tmp = `${this.#path}.tmp`;
    const lines = [...this.events.values()].map((e) => `${JSON.stringify(e)}\n`).join('');
    writeFileSync(tmp, lines);
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.#path);
    this.#lines = this.events.size;
  }
}
