import type { DeviceRegistry } from './registry.ts';

/**
 * Which devices are online, as this hub's own broker sees them: a device is online from its
 * birth until its will of the same boot, or until its connection closes. It lives in the hub's
 * memory, so no other process (a second hub, the CLI) can make it drift from the broker's
 * sessions; the store's copy is written through for `device list` and the API, and is reset when
 * the hub that owns the data directory starts (nobody is connected to a broker that just started).
 */
export class Availability {
  readonly #registry: DeviceRegistry;
  readonly #online = new Map<string, string>(); // device → boot

  constructor(registry: DeviceRegistry) {
    this.#registry = registry;
  }

  /** At start: nobody is connected yet. Call once the hub owns its data directory and ports. */
  reset(): void {
    this.#online.clear();
    this.#registry.markAllOffline();
  }

  /** A birth: the device is online with this boot. */
  online(id: string, state: { boot: string; fw: string }): void {
    this.#online.set(id, state.boot);
    this.#registry.markOnline(id, state);
  }

  /** The device went away; whether it was online. */
  offline(id: string): boolean {
    if (!this.#online.delete(id)) return false;
    this.#registry.markOffline(id);
    return true;
  }

  isOnline(id: string): boolean {
    return this.#online.has(id);
  }

  /** The boot the device is online with, if it is. */
  bootOf(id: string): string | undefined {
    return this.#online.get(id);
  }
}
