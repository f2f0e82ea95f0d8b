import type { Alerts } from '../alerts/index.ts';
import type { Assets, Contents, Programs, Radio } from '../broadcasts/index.ts';
import type { SiteConfig } from '../config/index.ts';
import type { AuthResult } from '../devices/authenticator.ts';
import type { DeviceCommands, DeviceRegistry } from '../devices/index.ts';
import type { FlowAllowances } from '../flows/index.ts';
import type { Presence } from '../presence/index.ts';
import type { Ratings } from '../ratings/index.ts';
import type { LoginThrottle } from '../security/index.ts';
import type { Users } from '../users/index.ts';
import type { DeskBoard } from '../web/index.ts';
import type { HealthSource } from './health.ts';

export type HttpDeps = {
  /** The site config: its desks and officials are what requests may name. */
  config: SiteConfig;
  users: Users;
  devices: DeviceRegistry;
  /** What the admin allows each flow to announce. */
  flowAllowances: FlowAllowances;
  /** `ping` and `rebirth` a device and hear its ack. */
  commands: Pick<DeviceCommands, 'send'>;
  /** Where boards reach the hub, written into their provisioning files (TT_MQTT_PUBLIC_URL). */
  mqttPublicUrl: string;
  /** Close live connections whose credentials a request just revoked or replaced. */
  credentialsChanged: () => void;
  throttle: { user: LoginThrottle; address: LoginThrottle };
  health: HealthSource;
  ratings: Ratings;
  alerts: Alerts;
  presence: Pick<Presence, 'attendance'>;
  /** Every desk now, as the live board shows it. */
  deskBoard: () => DeskBoard;
  now: () => Date;
  /** The site's time zone: dates in requests are local days there. */
  timezone: string;
  /** The radio: its content, programs, the on-air engine and play log. */
  radio: {
    assets: Assets;
    contents: Contents;
    programs: Programs;
    engine: Radio;
    maxUploadBytes: number;
    /** A speaker's device credentials, for asset downloads. */
    authenticate: (id: string, secret: string) => Promise<AuthResult>;
  };
  /** Secure cookies when the hub is served over HTTPS (behind a proxy or with TLS). */
  secureCookies: boolean;
};
