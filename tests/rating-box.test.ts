import { spawn } from 'node:child_process';
import five from 'johnny-five';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedIO } from '../firmware/src/io/simulated-io.ts';
import { DeviceLink } from '../firmware/src/link/index.ts';
import { RatingBox } from '../firmware/src/rating-button/rating-box.ts';
import { placementOf } from '../hub/src/devices/index.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';
import { runProcess } from './helpers/process.ts';
import { provisioningFile } from './helpers/provisioning-file.ts';

// The rating-button firmware on a johnny-five board with simulated IO, speaking to a real hub.

const BUTTONS = [2, 3, 4, 5]; // Không hài lòng … Rất hài lòng
const REASON_WAITING = 7;
const LED = 15;

let hub: TestHub;
let secret: string;
let io: SimulatedIO;
let link: DeviceLink;
let box: RatingBox;
let now: number;

beforeAll(async () => {
  hub = await startTestHub();
  const placement = placementOf(hub.config);
  secret = (
    await hub.devices.add({ id: 'btn-j5', kind: 'rating-button', desk: placement.desks[0]! }, placement)
  ).secret;
});

afterAll(async () => {
  await hub?.close();
});

beforeEach(async () => {
  io = new SimulatedIO();
  for (const pin of [...BUTTONS, REASON_WAITING]) io.setInput(pin, 1); // pull-ups: released reads HIGH
  // sigint: false — no SIGINT handler per board in a test process (missing from the typings).
  const board = new five.Board({ io, repl: false, debug: false, sigint: false } as five.BoardOption);
  await new Promise<void>((resolve) => board.on('ready', () => resolve()));
  link = new DeviceLink({
    url: hub.url,
    site: hub.config.site.code,
    id: 'btn-j5',
    secret,
    kind: 'rating-button',
    fw: '1.0.0',
  });
  link.start();
  now = Date.parse('2026-11-18T02:00:00Z');
  box = new RatingBox({
    board,
    link,
    scale: 4,
    pins: { buttons: BUTTONS, reasons: { waiting: REASON_WAITING }, thanks: LED },
    lockoutMs: 2_000,
    reasonWindowMs: 10_000,
    thanksMs: 300,
    now: () => now,
  });
  box.start();
});

afterEach(async () => {
  box.stop();
  await link.stop();
});

/** A finger on a button: down for 50 ms, with contact bounce at both edges. */
async function press(pin: number, bounce = false): Promise<void> {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  if (bounce) for (const level of [0, 1, 0, 1] as const) io.setInput(pin, level);
  io.setInput(pin, 0);
  await wait(50);
  if (bounce) for (const level of [1, 0, 1, 0] as const) io.setInput(pin, level);
  io.setInput(pin, 1);
  await wait(30);
}

const stored = () =>
  (
    hub.store
      .prepare("SELECT type, body FROM events WHERE device = 'btn-j5' AND boot = ? ORDER BY seq")
      .all(link.boot) as Array<{
      type: string;
      body: string;
    }>
  ).map((row) => ({ type: row.type, ...JSON.parse(row.body) }));

describe('rating box firmware', () => {
  it('turns each grade button into a rating with the right score, and bounce into one press', async () => {
    for (const [i, pin] of BUTTONS.entries()) {
      await press(pin, true);
      now += 5_000;
      await until(() => stored().length === i + 1, `rating ${i + 1} at the hub`);
    }
    expect(stored().map((e) => [e.type, e.score, e.scale])).toEqual([
      ['rating', 1, 4],
      ['rating', 2, 4],
      ['rating', 3, 4],
      ['rating', 4, 4],
    ]);
  });

  it('ignores presses during the lockout, and takes one after it', async () => {
    await press(BUTTONS[3]!);
    now += 500;
    await press(BUTTONS[3]!);
    await press(BUTTONS[0]!);
    expect(box.ignored).toBe(2);
    now += 2_000;
    await press(BUTTONS[2]!);
    await until(() => stored().length === 2, 'two ratings');
    expect(stored().map((e) => e.score)).toEqual([4, 3]);
  });

  it('asks why after an unsatisfied rating, and links the reason to it', async () => {
    await press(BUTTONS[0]!);
    now += 3_000;
    await press(REASON_WAITING);
    await press(REASON_WAITING); // the window closed with the first answer
    await until(() => stored().length === 2, 'rating and reason');
    const [rating, reason] = stored();
    expect(reason).toMatchObject({ type: 'rating-reason', ref: rating.seq, reason: 'waiting' });
    expect(box.ignored).toBe(1);
  });

  it('ignores a reason without an unsatisfied rating before it', async () => {
    await press(BUTTONS[3]!);
    now += 3_000;
    await press(REASON_WAITING);
    await until(() => stored().length === 1, 'the rating');
    expect(box.ignored).toBe(1);
  });

  it('blinks the thank-you light after a press, then leaves it off', async () => {
    const writes: number[] = [];
    io.on('write', (pin: number, value: number) => pin === LED && writes.push(value > 0 ? 1 : 0));
    await press(BUTTONS[2]!);
    await until(() => writes.includes(1) && writes.includes(0), 'the light blinking');
    await new Promise((r) => setTimeout(r, 500));
    expect(io.level(LED)).toBe(0);
    const blinks = writes.filter((v) => v === 1).length;
    expect(blinks).toBeGreaterThanOrEqual(1);
  });
});

describe('rating box program', () => {
  it('starts from its provisioning file and comes online at the hub (simulated IO)', async () => {
    const placement = placementOf(hub.config);
    const added = await hub.devices.add(
      { id: 'btn-prog', kind: 'rating-button', desk: placement.desks[1]! },
      placement,
    );
    const file = provisioningFile('btn-prog.thanthien.json', {
      id: 'btn-prog',
      secret: added.secret,
      kind: 'rating-button',
      site: hub.config.site.code,
      mqtt_url: hub.url,
    });
    const child = spawn(
      process.execPath,
      ['firmware/src/rating-button/main.ts', '--provision', file, '--io', 'simulated'],
      { stdio: 'ignore' },
    );
    try {
      await until(() => hub.devices.get('btn-prog')!.online, 'the box online at the hub');
      expect(hub.devices.get('btn-prog')).toMatchObject({ fw: '1.0.0', online: true });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await until(() => !hub.devices.get('btn-prog')!.online, 'offline after a clean stop');
  });

  it('refuses a provisioning file for another kind of device, naming the field', async () => {
    const file = provisioningFile('loa.json', {
      id: 'loa-1',
      secret: 'x'.repeat(32),
      kind: 'speaker',
      site: 's',
      mqtt_url: 'mqtt://x',
    });
    const run = await runProcess(process.execPath, [
      'firmware/src/rating-button/main.ts',
      '--provision',
      file,
      '--io',
      'simulated',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/kind: Invalid input: expected "rating-button"/);
  });
});
