import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentCache } from '../firmware/src/speaker/content-cache.ts';

// The node's content cache against a real HTTP server that asks for the node's credentials:
// verified before kept, bounded, kept across a restart, retried when the network fails.

const dir = mkdtempSync(join(tmpdir(), 'tt-cache-'));
const files = new Map<string, Buffer>();
let server: Server;
let base: string;
let failuresLeft = 0;
const requests: string[] = [];

const asset = (name: string, bytes: number) => {
  const data = Buffer.alloc(bytes, name);
  files.set(name, data);
  return {
    url: `${base}/${name}`,
    sha256: createHash('sha256').update(data).digest('hex'),
    bytes,
    duration_s: 1,
  };
};
const cache = (maxBytes: number) =>
  new ContentCache({
    dir: join(dir, 'cache'),
    maxBytes,
    id: 'loa-1',
    secret: 'bi-mat-cua-loa-1',
    tries: 3,
    retryMs: 50,
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.headers.authorization !== `Basic ${Buffer.from('loa-1:bi-mat-cua-loa-1').toString('base64')}`) {
      res.writeHead(401).end();
      return;
    }
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      res.destroy(); // the network drops mid-request
      return;
    }
    const data = files.get((req.url ?? '').slice(1));
    if (!data) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': data.length }).end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('content cache', () => {
  it('downloads with the node credentials, keeps what matches, refuses what does not', async () => {
    const c = cache(10_000);
    const a = asset('a', 1000);
    expect(await c.fetch(a)).toBe(join(dir, 'cache', a.sha256));
    expect(c.has(a.sha256)).toBe(true);
    await expect(c.fetch({ ...a, sha256: 'f'.repeat(64) })).rejects.toThrow(
      /^sha256 [0-9a-f]{64} does not match$/,
    );
    await expect(c.fetch({ ...a, sha256: 'e'.repeat(64), bytes: 999 })).rejects.toThrow(
      /size 1000 bytes, expected 999/,
    );
    expect(c.has('f'.repeat(64))).toBe(false);
    const before = requests.length;
    await c.fetch(a); // kept: no second download
    expect(requests.length).toBe(before);
  });

  it('keeps its files across a restart and drops a download a reboot cut short', async () => {
    const b = asset('b', 500);
    await cache(10_000).fetch(b);
    writeFileSync(join(dir, 'cache', `${'c'.repeat(64)}.partial`), 'half a file');
    const again = cache(10_000);
    expect(again.has(b.sha256)).toBe(true);
    expect(existsSync(join(dir, 'cache', `${'c'.repeat(64)}.partial`))).toBe(false);
  });

  it('makes room by dropping what no held play needs, least recently used first', async () => {
    rmSync(join(dir, 'cache'), { recursive: true, force: true });
    const c = cache(3000);
    const [x, y, z] = [asset('x', 1000), asset('y', 1000), asset('z', 1000)];
    await c.fetch(x);
    await c.fetch(y);
    await c.fetch(z);
    const w = asset('w', 1000);
    await c.fetch(w, new Set([x.sha256])); // x is needed by a held play: y goes
    expect([x, y, z, w].map((f) => c.has(f.sha256))).toEqual([true, false, true, true]);
    expect(c.bytes).toBe(3000);
    await expect(c.fetch(asset('huge', 4000))).rejects.toThrow(/no room/);
    await expect(c.fetch(asset('v', 1000), new Set([x.sha256, z.sha256, w.sha256]))).rejects.toThrow(
      /no room/,
    );
  });

  it('tries a download again when the network drops it', async () => {
    const c = cache(10_000);
    const r = asset('r', 200);
    failuresLeft = 2;
    await c.fetch(r);
    expect(c.has(r.sha256)).toBe(true);
    failuresLeft = 3;
    await expect(c.fetch(asset('s', 200))).rejects.toThrow(/download failed/);
  });
});
