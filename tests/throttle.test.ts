import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../hub/src/security/index.ts';

describe('login throttle', () => {
  it('lets five failures through, then doubles the wait, and a success clears it', () => {
    let now = 0;
    const throttle = new LoginThrottle({ now: () => now });
    const keys = ['user:a'];
    for (let i = 0; i < 4; i++) throttle.fail(keys);
    expect(throttle.waitMs(keys)).toBe(0);
    throttle.fail(keys);
    expect(throttle.waitMs(keys)).toBe(1000);
    throttle.fail(keys);
    expect(throttle.waitMs(keys)).toBe(2000);
    now += 2000;
    expect(throttle.waitMs(keys)).toBe(0);
    throttle.succeed(keys);
    throttle.fail(keys);
    expect(throttle.waitMs(keys)).toBe(0);
  });

  it('caps the wait at fifteen minutes', () => {
    const throttle = new LoginThrottle({ now: () => 0 });
    for (let i = 0; i < 40; i++) throttle.fail(['user:b']);
    expect(throttle.waitMs(['user:b'])).toBe(15 * 60_000);
  });

  it('forgets failures after a quiet spell as long as the longest wait, for keys no success clears', () => {
    let now = 0;
    const throttle = new LoginThrottle({ now: () => now, freeFailures: 3, maxLockMs: 60_000 });
    const address = ['ip:10.0.0.7'];
    for (let i = 0; i < 3; i++) throttle.fail(address);
    expect(throttle.waitMs(address)).toBe(1000);
    // An hour of quiet: the next failure is a first failure again, not a long lock.
    now += 3_600_000;
    throttle.fail(address);
    expect(throttle.waitMs(address)).toBe(0);
    // Failures close together still add up.
    throttle.fail(address);
    throttle.fail(address);
    expect(throttle.waitMs(address)).toBe(1000);
  });
});
