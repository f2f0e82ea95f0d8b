import type { DeviceRegistry } from '../devices/index.ts';
import type { LoginThrottle } from '../security/index.ts';
import type { Users } from '../users/index.ts';
import type { HealthSource } from './health.ts';

export type HttpDeps = {
  users: Users;
  devices: DeviceRegistry;
  throttle: { user: LoginThrottle; address: LoginThrottle };
  health: HealthSource;
  /** Secure cookies when the hub is served over HTTPS (behind a proxy or with TLS). */
  secureCookies: boolean;
};
