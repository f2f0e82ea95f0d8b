import { describe, expect, it } from 'vitest';
import { EventLoopDelay } from '../hub/src/metrics/index.ts';

// The event loop's delay as health reports it: what a blocked loop held up, not the sampling tick.

describe('EventLoopDelay', () => {
  it('reads about nothing on an idle loop, and about the hold when the loop is blocked', async () => {
    const delay = new EventLoopDelay();
    delay.start();
    await new Promise((r) => setTimeout(r, 300));
    // Raw, an idle loop reads the 10 ms sampling tick itself.
    expect(delay.read().p50_ms).toBeLessThan(10);
    const until = performance.now() + 120;
    while (performance.now() < until) {
      // Hold the loop, as a long synchronous store call would.
    }
    await new Promise((r) => setTimeout(r, 50));
    // Generous bounds: the machine is shared, and only the order of magnitude matters here.
    expect(delay.read().max_ms).toBeGreaterThan(90);
    expect(delay.read().max_ms).toBeLessThan(1_000);
    delay.stop();
  });
});
