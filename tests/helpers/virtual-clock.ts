/**
 * A clock a test moves itself: `now` stands still until `advanceTo`, which fires the timers due on
 * the way, in order of time and then of setting. What the hub and the simulated speakers do at a
 * moment is then the same on every run, however busy the machine.
 */
export class VirtualClock {
  #nowMs: number;
  #seq = 0;
  readonly #timers = new Map<number, { atMs: number; then: () => void }>();

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  readonly now = (): Date => new Date(this.#nowMs);

  get nowMs(): number {
    return this.#nowMs;
  }

  /** Run `then` when the clock reaches `atMs` (at the next move, if that is now or past). */
  readonly timer = (atMs: number, then: () => void): (() => void) => {
    const id = this.#seq++;
    this.#timers.set(id, { atMs, then });
    return () => this.#timers.delete(id);
  };

  /**
   * Move to `targetMs`, stopping at every moment a timer is due and at least every `stepMs`;
   * after each stop `settle` lets the real world (MQTT, the store) catch up.
   */
  async advanceTo(targetMs: number, stepMs: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = [...this.#timers.entries()].sort(([a, x], [b, y]) => x.atMs - y.atMs || a - b);
      const next = Math.min(due[0]?.[1].atMs ?? Number.POSITIVE_INFINITY, this.#nowMs + stepMs, targetMs);
      this.#nowMs = Math.max(this.#nowMs, next);
      for (const [id, { atMs, then }] of due) {
        if (atMs > this.#nowMs) break;
        if (!this.#timers.delete(id)) continue; // cancelled by a timer that fired before it
        then();
      }
      await settle();
      if (this.#nowMs >= targetMs && ![...this.#timers.values()].some((t) => t.atMs <= this.#nowMs)) return;
    }
  }
}
