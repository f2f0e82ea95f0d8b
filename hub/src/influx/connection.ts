import { HubError } from '../errors.ts';

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

/**
 * What the hub says to InfluxDB 1.x over its HTTP API: create the database, write line protocol.
 * Two requests need no client library; each write is one POST of up to a few thousand lines.
 */
export class InfluxHttp {
  readonly #base: string;
  readonly #database: string;
  readonly #headers: Record<string, string>;

  constructor(target: InfluxTarget) {
    const { url, database } = target;
    this.#base = `${url.protocol}//${url.host}`;
    this.#database = database;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    this.#headers = user
      ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
      : {};
  }

  /** CREATE DATABASE is idempotent in InfluxDB 1.x. */
  async createDatabase(): Promise<void> {
    const q = `CREATE DATABASE "${this.#database.replace(/["\\]/g, '\\$&')}"`;
    await this.#post(`/query?${new URLSearchParams({ q })}`, '');
  }

  /** Write points in line protocol with millisecond times. */
  async write(lines: string): Promise<void> {
    await this.#post(`/write?${new URLSearchParams({ db: this.#database, precision: 'ms' })}`, lines);
  }

  async #post(path: string, body: string): Promise<void> {
    const answer = await fetch(`${this.#base}${path}`, {
      method: 'POST',
      headers: { ...this.#headers, 'content-type': 'text/plain; charset=utf-8' },
      body,
      // Our own writer retries with backoff; a request should fail fast and tell it.
      signal: AbortSignal.timeout(10_000),
    });
    const text = await answer.text();
    if (!answer.ok) {
      const error = (() => {
        try {
          return (JSON.parse(text) as { error?: string }).error;
        } catch {
          return undefined;
        }
      })();
      throw new Error(
        `InfluxDB answered ${answer.status}: ${error ?? (text.slice(0, 200) || answer.statusText)}`,
      );
    }
  }
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
