import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { HubError } from './errors.ts';
import { PROJECT_ROOT } from './version.ts';

const Port = z.coerce.number().int().min(0).max(65_535);

/** The hub's environment (docs/operations.md). Read once, in the composition root only. */
const Env = z.object({
  // Without TT_CONFIG the example commune shipped with the hub, wherever it is started from.
  TT_CONFIG: z.string().default(join(PROJECT_ROOT, 'provisioning/site.example.yaml')),
  TT_DATA_DIR: z.string().default('./data'),
  TT_INFLUX_URL: z.url().optional(),
  TT_HOST: z.string().default('0.0.0.0'),
  TT_MQTT_PORT: Port.default(1883),
  TT_HTTP_PORT: Port.default(8080),
  TT_MQTT_TLS_PORT: Port.default(8883),
  TT_MQTT_TLS_CERT: z.string().optional(),
  TT_MQTT_TLS_KEY: z.string().optional(),
  TT_MQTT_PUBLIC_URL: z.string().optional(),
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
  logLevel: z.infer<typeof Env>['TT_LOG_LEVEL'];
};

export function loadSettings(env: NodeJS.ProcessEnv): Readonly<Settings> {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HubError('TT_SETTINGS_INVALID', `${issue.path.join('.')}: ${issue.message}`);
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
    logLevel: e.TT_LOG_LEVEL,
  });
}
