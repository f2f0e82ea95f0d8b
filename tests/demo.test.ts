import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestStoredMs } from '../hub/src/demo/index.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';
import { freePort } from './helpers/net.ts';
import { stopChild } from './helpers/process.ts';

// `npm run demo` as a newcomer runs it, at whatever hour the tests run: it must say what it does,
// give an address a TV on the network can open, and show a working counter through the API —
// ratings that count, desks staffed and empty — on its own clock. Nothing here depends on the wall clock.

const ENTRY = resolve('hub/src/cli/index.ts');
const dataDir = mkdtempSync(join(tmpdir(), 'tt-demo-'));
let httpPort: number;
let mqttPort: number;

type Demo = { child: ChildProcess; output: () => string; stop: () => Promise<void> };

function startDemo(): Demo {
  let output = '';
  const child = spawn(process.execPath, [ENTRY, 'demo'], {
    env: {
      ...process.env,
      TT_CONFIG: EXAMPLE_CONFIG,
      TT_DATA_DIR: dataDir,
      TT_HOST: '0.0.0.0',
      TT_HTTP_PORT: String(httpPort),
      TT_MQTT_PORT: String(mqttPort),
      TT_LOG_LEVEL: 'warn',
      TT_DEMO_SPEED: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const stop = () => stopChild(child, 20_000);
  return { child, output: () => output, stop };
}

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const base = () => `http://127.0.0.1:${httpPort}/api/v1`;

let demo: Demo;
let cookie: string;

beforeAll(async () => {
  httpPort = await freePort();
  mqttPort = await freePort();
  demo = startDemo();
  await poll('the demo to say what it does', async () =>
    /Demo: playing .*\n/.test(demo.output()) ? true : undefined,
  );
}, 150_000);

afterAll(async () => {
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('npm run demo', () => {
  it('says what it does, on which clock, in Vietnamese and English', () => {
    const out = demo.output();
    expect(out).toMatch(
      /Chạy thử: phát lại một ngày làm việc, nhanh gấp 60 lần, theo đồng hồ riêng của bản chạy thử \(bây giờ là \d\d:\d\d Thứ \S+ \d\d\/\d\d\/\d{4}\)/,
    );
    expect(out).toMatch(
      /Demo: playing an office day 60× faster on its own clock \(now \d\d:\d\d (Monday|Tuesday|Wednesday|Thursday|Friday) \d\d\/\d\d\/\d{4}\)/,
    );
  });

  it('gives a board address another machine can open, not localhost', () => {
    const urls = /Desk board \(open it on a TV on the same network\): (.+)/.exec(demo.output())?.[1];
    expect(urls).toBeDefined();
    for (const url of urls!.split(', ')) {
      expect(url).toMatch(new RegExp(`^http://[^/]+:${httpPort}/board$`));
      expect(new URL(url).hostname).not.toMatch(/^(localhost|127\.|\[::1\])/);
    }
  });

  it('shows a working counter: desks staffed and empty, ratings counted, not flagged', async () => {
    const password = /Board login: demo-lanh-dao \/ (\S+)/.exec(demo.output())?.[1];
    expect(password).toBeDefined();
    const login = await fetch(`${base()}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'demo-lanh-dao', password }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const get = async (path: string) => {
      const response = await fetch(`${base()}${path}`, { headers: { cookie } });
      expect(response.status).toBe(200);
      return (await response.json()) as unknown;
    };

    // Officials arrive between 07:15 and 07:40 of demo time, a minute of it a second.
    const desks = await poll('a staffed desk on the board', async () => {
      const board = (await get('/desks')) as { desks: Array<{ id: string; state: string }> };
      return board.desks.some((d) => d.state === 'present') ? board.desks : undefined;
    });
    expect(desks.every((d) => ['present', 'absent', 'unknown'].includes(d.state))).toBe(true);

    // Citizens rate from the opening at 07:30: several ratings, counted.
    const indicators = await poll('ratings to be counted', async () => {
      const all = (await get('/indicators?from=2000-01-01&to=2999-12-31')) as {
        rated: number;
        flagged: number;
      };
      return all.rated >= 3 ? all : undefined;
    });
    expect(indicators.flagged).toBeLessThan(indicators.rated);
  }, 150_000);

  it('airs a real schedule on the simulated speakers, and logs it', async () => {
    expect(demo.output()).toMatch(/Radio: 4 approved programs air on the simulated speakers of 8 villages/);
    const m = /\(now \d\d:\d\d \w+ (\d\d)\/(\d\d)\/(\d{4})\)/.exec(demo.output())!;
    const day = `${m[3]}-${m[2]}-${m[1]}`;
    const get = async (path: string) =>
      (await (await fetch(`${base()}${path}`, { headers: { cookie } })).json()) as never;
    const calendar: { airings: Array<{ title: string; held: string | null }> } = await get(
      `/calendar?from=${day}&to=${day}`,
    );
    expect(calendar.airings.map((a) => a.title)).toContain('Bản tin sáng');
    // The morning bulletin at 07:20 of demo time, on every village's speaker, played to the end.
    const played = await poll('the morning bulletin in the play log', async () => {
      const log: { entries: Array<{ title: string; status: string }> } = await get(
        `/play-log?from=${day}&to=${day}`,
      );
      const bulletin = log.entries.filter((e) => e.title === 'Bản tin sáng');
      return bulletin.length === 8 ? bulletin : undefined;
    });
    expect(played.every((e) => e.status === 'played')).toBe(true);
  }, 150_000);

  it('starts again after what the first run stored, never before', async () => {
    await demo.stop();
    const stored = latestStoredMs(join(dataDir, 'hub.sqlite'));
    expect(stored).toBeDefined();
    demo = startDemo();
    const now = await poll('the second run to say its clock', async () => {
      const m = /\(now (\d\d):(\d\d) \w+ (\d\d)\/(\d\d)\/(\d{4})\)/.exec(demo.output());
      return m ? Date.parse(`${m[5]}-${m[4]}-${m[3]}T${m[1]}:${m[2]}:00+07:00`) : undefined;
    });
    // The printed minute is cut, not rounded: at least the stored minute.
    expect(now).toBeGreaterThanOrEqual(Math.floor(stored! / 60_000) * 60_000);
    expect(demo.output()).toMatch(/Log in to the board as demo-lanh-dao, created by an earlier demo run/);
  }, 150_000);
});
