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
import { dirname } from 'node:path';

/** An event waiting for its PUBACK; `key` is its identity `boot:seq` (docs/protocol.md). */
export type QueuedEvent = { key: string; topic: string; body: Record<string, unknown> };

/** The device's offline queue: events stay until the hub acknowledged them, oldest first. */
export interface EventQueue {
  push(event: QueuedEvent): void;
  /** The oldest `n` events, oldest first. */
  peek(n: number): QueuedEvent[];
  /** Drop an acknowledged event; false when it was not queued (e.g. acknowledged twice). */
  remove(key: string): boolean;
  readonly length: number;
  /** Release what the queue holds open; a later push or remove opens it again. */
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
    if (n <= 0) return out;
    for (const event of this.events.values()) {
      out.push(event);
      if (out.length >= n) break;
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

export type FileQueueOptions = {
  /** Compact once the journal holds more lines than this and at most a quarter are waiting events. */
  compactAfterLines?: number;
};

/**
 * For boards with storage (a Pi Zero's SD card): an append-only journal, one line per pushed event
 * and one `{"ack":"boot:seq"}` per acknowledgement. A push is fsync'd before it returns, so an
 * event survives a power cut the moment it is recorded; a lost acknowledgement line only means one
 * harmless resend, which the hub deduplicates. Replayed and compacted on open (a torn last line is
 * skipped), and compacted again as acknowledgements pile up.
 *
 * @example
 * const queue = new FileQueue('/var/lib/thanthien/queue.jsonl');
 * const link = new DeviceLink({ ...device, queue });
 */
export class FileQueue extends MemoryQueue {
  readonly #path: string;
  readonly #compactAfterLines: number;
  #fd: number | undefined;
  #lines = 0;

  constructor(path: string, options: FileQueueOptions = {}) {
    super();
    this.#path = path;
    this.#compactAfterLines = options.compactAfterLines ?? 2_000;
    if (existsSync(path)) this.#replay(readFileSync(path, 'utf8'));
    // Also drops a torn last line, so that the next append never follows half a line.
    this.#compact();
  }

  override push(event: QueuedEvent): void {
    super.push(event);
    this.#append(JSON.stringify(event), true);
  }

  override remove(key: string): boolean {
    if (!super.remove(key)) return false;
    this.#append(JSON.stringify({ ack: key }), false);
    if (this.#lines > this.#compactAfterLines && this.#lines > 4 * this.length) {
      this.close();
      this.#compact();
    }
    return true;
  }

  override close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #append(line: string, durable: boolean): void {
    this.#fd ??= openSync(this.#path, 'a');
    writeSync(this.#fd, `${line}\n`);
    if (durable) fsyncSync(this.#fd);
    this.#lines += 1;
  }

  #replay(text: string): void {
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // the line a power cut tore in half: its event was never acknowledged to anyone
      }
      if (isAck(entry)) this.events.delete(entry.ack);
      else if (isQueuedEvent(entry)) this.events.set(entry.key, entry);
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
    // The rename must be durable before anything is appended to the new file, or a power cut could
    // bring back the old journal without the events pushed since.
    const dir = openSync(dirname(this.#path), 'r');
    fsyncSync(dir);
    closeSync(dir);
    this.#lines = this.events.size;
  }
}

function isAck(entry: unknown): entry is { ack: string } {
  return typeof entry === 'object' && entry !== null && typeof (entry as { ack?: unknown }).ack === 'string';
}

function isQueuedEvent(entry: unknown): entry is QueuedEvent {
  if (typeof entry !== 'object' || entry === null) return false;
  const { key, topic, body } = entry as Partial<Record<keyof QueuedEvent, unknown>>;
  return typeof key === 'string' && typeof topic === 'string' && typeof body === 'object' && body !== null;
}
