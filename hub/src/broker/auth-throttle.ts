import { LoginThrottle } from '../security/index.ts';

export type AuthThrottleLimits = {
  auth_failures_before_throttle: number;
  auth_failures_before_throttle_per_address: number;
  auth_throttle_max_s: number;
};

/**
 * MQTT logins throttled like HTTP logins (hub/src/security/throttle.ts): a throttled attempt is
 * refused before the secret is checked, so guessing costs the hub no scrypt (0.2 s of a libuv
 * thread and 4 MiB each). A device id is throttled per address, never on its own: a guesser
 * elsewhere on the LAN must not lock a real device out of its own connection. The address has more
 * slack, as the office laptops share one NAT address.
 */
export class AuthThrottle {
  readonly #byDevice: LoginThrottle;
  readonly #byAddress: LoginThrottle;

  constructor(limits: AuthThrottleLimits, now?: () => number) {
    const maxLockMs = limits.auth_throttle_max_s * 1000;
    this.#byDevice = new LoginThrottle({
      now,
      freeFailures: limits.auth_failures_before_throttle,
      maxLockMs,
    });
    this.#byAddress = new LoginThrottle({
      now,
      freeFailures: limits.auth_failures_before_throttle_per_address,
      maxLockMs,
    });
  }

  /** Milliseconds before `device` may try again from `address`; 0 when it may try now. */
  waitMs(device: string, address: string): number {
    return Math.max(this.#byDevice.waitMs(deviceKey(device, address)), this.#byAddress.waitMs([address]));
  }

  failed(device: string, address: string): void {
    this.#byDevice.fail(deviceKey(device, address));
    this.#byAddress.fail([address]);
  }

  succeeded(device: string, address: string): void {
    this.#byDevice.succeed(deviceKey(device, address));
  }
}

// Device ids are at most 40 characters; a longer name from a guesser must not grow the key.
const deviceKey = (device: string, address: string) => [`${device.slice(0, 64)}@${address}`];
