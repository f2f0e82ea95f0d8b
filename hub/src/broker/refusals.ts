import type { Logger } from 'pino';

/** What the broker refuses before a client is a device it serves (health → `refused`). */
const REFUSAL_KINDS = [
  'oversized',
  'connect-timeout',
  'too-many-connections',
  'too-many-from-address',
  'auth-throttled',
] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

export type Refusal = { address: string; client?: string | undefined; reason: string };

// A flood is thousands of refusals a second: one log line a second per kind and address says as
// much, and keeps the log (and the SD card under it) from becoming the attacker's lever.
const LOG_EVERY_MS = 1000;
// Addresses remembered for that; beyond it, the quiet ones are forgotten.
const LOGGED_KEYS = 1000;

/**
 * Refusals are counted in memory only: unlike `rejected`, they are not written to the store, so
 * refusing costs the hub no disk write per attempt.
 */
export class Refusals {
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #counts = Object.fromEntries(REFUSAL_KINDS.map((kind) => [kind, 0])) as Record<
    RefusalKind,
    number
  >;
  readonly #logged = new Map<string, { at: number; unlogged: number }>();

  constructor(log: Logger, now: () => number = Date.now) {
    this.#log = log;
    this.#now = now;
  }

  record(kind: RefusalKind, refusal: Refusal): void {
    this.#counts[kind] += 1;
    const now = this.#now();
    const key = `${kind} ${refusal.address}`;
    const last = this.#logged.get(key);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.unlogged += 1;
      return;
    }
    if (this.#logged.size >= LOGGED_KEYS) this.#forgetQuiet(now);
    this.#logged.set(key, { at: now, unlogged: 0 });
    const unlogged = last?.unlogged ?? 0;
    this.#log.info(
      { kind, address: refusal.address, client: refusal.client, ...(unlogged > 0 ? { unlogged } : {}) },
      `refused: ${refusal.reason}`,
    );
  }

  counts(): Readonly<Record<RefusalKind, number>> & { total: number } {
    const total = Object.values(this.#counts).reduce((a, b) => a + b, 0);
    return { ...this.#counts, total };
  }

  #forgetQuiet(now: number): void {
    for (const [key, entry] of this.#logged) if (now - entry.at >= LOG_EVERY_MS) this.#logged.delete(key);
    if (this.#logged.size >= LOGGED_KEYS) this.#logged.clear(); // a flood from everywhere at once
  }
}
