import { InfluxDB } from 'influx';
import { HubError } from '../errors.ts';
import { SCHEMA } from './schema.ts';

/** Where the hub writes: from TT_INFLUX_URL, e.g. http://user:pass@127.0.0.1:8086/thanthien. */
export type InfluxTarget = { url: URL; database: string };

export function parseInfluxUrl(text: string): InfluxTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HubError('TT_SETTINGS_INVALID', `TT_INFLUX_URL "${redact(text)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HubError(
      'TT_SETTINGS_INVALID',
      `TT_INFLUX_URL must be http:// or https://, got ${url.protocol}`,
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')) || 'thanthien';
  return { url, database };
}

export function connect(target: InfluxTarget): InfluxDB {
  const { url, database } = target;
  return new InfluxDB({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 8086)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    username: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    database,
    schema: SCHEMA,
    // Our own writer retries with backoff; the pool should fail fast and tell it.
    pool: { maxRetries: 0, requestTimeout: 10_000 },
  });
}

/** The URL without its password, for logs and health. */
export function redact(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable)';
  }
}
