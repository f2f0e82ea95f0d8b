import http from 'node:http';
import https from 'node:https';
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
 * What the hub says to InfluxDB 1.x over its HTTP API: set up the database (keeping.ts), write line
 * protocol. Two kinds of request need no client library; each write is one POST of up to a few thousand lines, on
 * a kept-alive connection. node:http rather than fetch: fetch loads undici at its first use, a
 * hold of the event loop the size of a GC pause, and more memory.
 */
export class InfluxHttp {
  readonly #url: URL;
  readonly #database: string;
  readonly #headers: Record<string, string>;
  readonly #agent: http.Agent;

  constructor(target: InfluxTarget) {
    const { url, database } = target;
    this.#url = url;
    this.#database = database;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    this.#headers = {
      'content-type': 'text/plain; charset=utf-8',
      ...(user ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } : {}),
    };
    this.#agent = new (url.protocol === 'https:' ? https : http).Agent({ keepAlive: true, maxSockets: 1 });
  }

  get database(): string {
    return this.#database;
  }

  /**
   * Run one InfluxQL statement that changes the database (CREATE, ALTER, DROP); InfluxDB's refusal
   * of the statement itself (an answer of 200 with an `error`) is thrown like a failed request.
   */
  async command(q: string): Promise<void> {
    const body = await this.#post(`/query?${new URLSearchParams({ q })}`, '');
    const error = (JSON.parse(body || '{}') as { results?: Array<{ error?: string }> }).results?.[0]?.error;
    if (error) throw new Error(`InfluxDB refused "${q.slice(0, 80)}": ${error}`);
  }

  /** Write points in line protocol with millisecond times, to a retention policy or the default. */
  async write(lines: string, retentionPolicy?: string): Promise<void> {
    const params = new URLSearchParams({ db: this.#database, precision: 'ms' });
    if (retentionPolicy) params.set('rp', retentionPolicy);
    await this.#post(`/write?${params}`, lines);
  }

  close(): void {
    this.#agent.destroy();
  }

  /** POST, resolving with the answer's body when InfluxDB says 2xx. */
  #post(path: string, text: string): Promise<string> {
    const { hostname, port, protocol } = this.#url;
    // Encoded once: a batch is up to a megabyte, and measuring then sending it would read it twice.
    const body = Buffer.from(text);
    return new Promise((resolve, reject) => {
      const request = (protocol === 'https:' ? https : http).request(
        {
          hostname,
          port,
          path,
          method: 'POST',
          agent: this.#agent,
          headers: { ...this.#headers, 'content-length': body.length },
          // Our own writer retries with backoff; a request should fail fast and tell it.
          timeout: 10_000,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const status = answer.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString();
            if (status >= 200 && status < 300) return resolve(text);
            const error = (() => {
              try {
                return (JSON.parse(text) as { error?: string }).error;
              } catch {
                return undefined;
              }
            })();
            reject(
              new Error(
                `InfluxDB answered ${status}: ${error ?? (text.slice(0, 200) || answer.statusMessage)}`,
              ),
            );
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('InfluxDB did not answer within 10 s')));
      request.on('error', reject);
      request.end(body);
    });
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
