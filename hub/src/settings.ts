import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CLOCK_MODES, type ClockMode } from './broadcasts/clock-sync.ts';
import { HubError } from './errors.ts';
import { PROJECT_ROOT } from './version.ts';

const Port = z.coerce.number().int().min(0).max(65_535);

const PORT_EXPECTED = { vi: 'phải là số cổng 0–65535', en: 'must be a port number 0–65535' };

/** What each variable must be, in the words a technician reads when it is not. */
const EXPECTED: Record<string, { vi: string; en: string }> = {
  TT_INFLUX_URL: {
    vi: 'phải là URL, ví dụ http://user:pass@127.0.0.1:8086/thanthien',
    en: 'must be a URL, e.g. http://user:pass@127.0.0.1:8086/thanthien',
  },
  TT_HOST: {
    vi: 'phải là địa chỉ IP hoặc tên máy, ví dụ 0.0.0.0',
    en: 'must be an IP address or a host name, e.g. 0.0.0.0',
  },
  TT_MQTT_PORT: PORT_EXPECTED,
  TT_HTTP_PORT: PORT_EXPECTED,
  TT_MQTT_TLS_PORT: PORT_EXPECTED,
  TT_RADIO_CLOCK: {
    vi: 'phải là ntp (hỏi timedatectl) hoặc trust (tin đồng hồ hệ thống)',
    en: 'must be ntp (ask timedatectl) or trust (take the system clock as right)',
  },
  TT_HTTP_PUBLIC_URL: { vi: 'phải là URL http(s)', en: 'must be an http(s) URL' },
  TT_FLOWS: { vi: 'phải là on hoặc off', en: 'must be on or off' },
  TT_FLOWS_PORT: PORT_EXPECTED,
  TT_HEALTH_POINT_S: {
    vi: 'phải là số giây 0–3600 (0: không ghi)',
    en: 'must be seconds 0–3600 (0: never)',
  },
  TT_LOG_LEVEL: {
    vi: 'phải là fatal, error, warn, info, debug, trace hoặc silent',
    en: 'must be fatal, error, warn, info, debug, trace or silent',
  },
};
/** Values that may hold a password are never echoed back. */
const SECRET = new Set(['TT_INFLUX_URL']);

/** The hub's environment (docs/operations.md). Read once, in the composition root only. */
const Env = z.object({
  // Defaults do not depend on the working directory: the CLI run from elsewhere on the hub finds
  // the same config and store as `npm start` in the project folder.
  TT_CONFIG: z.string().default(join(PROJECT_ROOT, 'provisioning/site.example.yaml')),
  TT_DATA_DIR: z.string().default(join(PROJECT_ROOT, 'data')),
  TT_INFLUX_URL: z.url().optional(),
  TT_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:%_-]+$/)
    .default('0.0.0.0'),
  TT_MQTT_PORT: Port.default(1883),
  TT_HTTP_PORT: Port.default(8080),
  TT_MQTT_TLS_PORT: Port.default(8883),
  TT_MQTT_TLS_CERT: z.string().optional(),
  TT_MQTT_TLS_KEY: z.string().optional(),
  TT_MQTT_PUBLIC_URL: z.string().optional(),
  TT_HTTP_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TT_RADIO_CLOCK: z.enum(CLOCK_MODES).default('ntp'),
  TT_HEALTH_POINT_S: z.coerce.number().int().min(0).max(3600).default(60),
  TT_FLOWS: z.enum(['on', 'off']).default('on'),
  TT_FLOWS_PORT: Port.default(1880),
  TT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Settings = {
  configPath: string;
  dataDir: string;
  influxUrl: string | undefined;
  host: string;
  mqttPort: number;
  httpPort: number;
  tls: { port: number; certPath: string; keyPath: string } | undefined;
  /** The address written into provisioning files: where boards reach this hub. */
  mqttPublicUrl: string;
  /** Where speakers reach this hub's HTTP: the asset downloads in `play` commands. */
  httpPublicUrl: string;
  /** How the radio learns the system clock is right before it arms. */
  radioClock: ClockMode;
  /** How often the hub writes its own health point to InfluxDB; 0: never (a test that writes them itself). */
  healthPointEveryS: number;
  /** Node-RED beside the hub (docs/flows.md), on this port; undefined when TT_FLOWS=off. */
  flowsPort: number | undefined;
  logLevel: z.infer<typeof Env>['TT_LOG_LEVEL'];
};

export function loadSettings(env: NodeJS.ProcessEnv): Readonly<Settings> {
  // An empty variable means unset: compose and systemd files write `TT_INFLUX_URL=` for "none".
  const given = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => !(name.startsWith('TT_') && value === '')),
  );
  const parsed = Env.safeParse(given);
  if (!parsed.success) {
    const name = String(parsed.error.issues[0]!.path[0]);
    const shown = SECRET.has(name) ? '' : ` (${JSON.stringify(given[name])})`;
    const expected = EXPECTED[name] ?? { vi: 'không hợp lệ', en: 'is invalid' };
    throw new HubError('TT_SETTINGS_INVALID', {
      vi: `${name}${shown}: ${expected.vi}`,
      en: `${name}${shown}: ${expected.en}`,
    });
  }
  const e = parsed.data;
  if (Boolean(e.TT_MQTT_TLS_CERT) !== Boolean(e.TT_MQTT_TLS_KEY)) {
    throw new HubError('TT_SETTINGS_INVALID', 'TT_MQTT_TLS_CERT and TT_MQTT_TLS_KEY must be set together');
  }
  return Object.freeze({
    configPath: resolve(e.TT_CONFIG),
    dataDir: resolve(e.TT_DATA_DIR),
    influxUrl: e.TT_INFLUX_URL,
    host: e.TT_HOST,
    mqttPort: e.TT_MQTT_PORT,
    httpPort: e.TT_HTTP_PORT,
    tls:
      e.TT_MQTT_TLS_CERT && e.TT_MQTT_TLS_KEY
        ? { port: e.TT_MQTT_TLS_PORT, certPath: e.TT_MQTT_TLS_CERT, keyPath: e.TT_MQTT_TLS_KEY }
        : undefined,
    mqttPublicUrl: e.TT_MQTT_PUBLIC_URL ?? `mqtt://${hostname()}.local:${e.TT_MQTT_PORT}`,
    httpPublicUrl: (e.TT_HTTP_PUBLIC_URL ?? `http://${hostname()}.local:${e.TT_HTTP_PORT}`).replace(
      /\/+$/,
      '',
    ),
    radioClock: e.TT_RADIO_CLOCK,
    healthPointEveryS: e.TT_HEALTH_POINT_S,
    flowsPort: e.TT_FLOWS === 'on' ? e.TT_FLOWS_PORT : undefined,
    logLevel: e.TT_LOG_LEVEL,
  });
}
