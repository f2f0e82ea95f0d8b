/**
 * Login throttling: after `freeFailures` failures for a key (a user name, an address), each new
 * attempt must wait twice as long as the last, up to `maxLockMs`. A success clears the key, and so
 * does a quiet spell as long as the longest wait: a key no success ever clears (an office's shared
 * address) must not stay one failure from a long lock for good.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, { count: number; lockedUntil: number; lastAt: number }>();
  readonly #now: () => number;
  readonly #freeFailures: number;
  readonly #maxLockMs: number;

  constructor(options: { now?: () => number; freeFailures?: number; maxLockMs?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#freeFailures = options.freeFailures ?? 5;
    this.#maxLockMs = options.maxLockMs ?? 15 * 60_000;
  }

  /** Milliseconds to wait before `keys` may try again; 0 when they may try now. */
  waitMs(keys: readonly string[]): number {
    const now = this.#now();
    return Math.max(0, ...keys.map((key) => (this.#failures.get(key)?.lockedUntil ?? 0) - now));
  }

  fail(keys: readonly string[]): void {
    // Guessing with ever new names must not grow the map without bound.
    if (this.#failures.size > 10_000) this.#forgetExpired();
    const now = this.#now();
    for (const key of keys) {
      const known = this.#failures.get(key);
      const entry =
        known && now - known.lastAt < this.#maxLockMs ? known : { count: 0, lockedUntil: 0, lastAt: now };
      entry.count += 1;
      entry.lastAt = now;
      const over = entry.count - this.#freeFailures;
      if (over >= 0) entry.lockedUntil = now + Math.min(this.#maxLockMs, 1000 * 2 ** over);
      this.#failures.set(key, entry);
    }
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.#failures.delete(key);
  }

  #forgetExpired(): void {
    const now = this.#now();
    for (const [key, entry] of this.#failures) if (entry.lockedUntil < now) this.#failures.delete(key);
  }
}
