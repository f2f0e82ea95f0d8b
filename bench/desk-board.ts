/**
 * The live desk board's latency: a simulated presence sensor flips over real MQTT; time until the
 * hub has the report (PUBACK: durable in the store) and until the desk's card in Debian's chromium
 * shows the new state. Several screens watch at once, as a TV and leaders' phones would.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { placementOf } from '../hub/src/devices/index.ts';
import { SimPresenceSensor } from '../simulators/src/devices.ts';
import { startTestHub, until } from '../tests/helpers/hub.ts';
import { percentile } from './measure.ts';

const FLIPS = Number(process.env.BENCH_FLIPS ?? 40);
const SCREENS = 4;
const LEADER = { name: 'chu-tich', password: 'mat-khau-lanh-dao-2026' };

export type DeskBoardResult = {
  flips: number;
  screens: number;
  ackP50Ms: number;
  ackP99Ms: number;
  screenP50Ms: number;
  screenP99Ms: number;
  screenMaxMs: number;
};

export async function benchDeskBoard(): Promise<DeskBoardResult> {
  const hub = await startTestHub({ TT_LOG_LEVEL: 'warn' });
  let browser: Browser | undefined;
  const { secret } = await hub.devices.add(
    { id: 'pir-bench', kind: 'presence-sensor', desk: 'quay-1' },
    placementOf(hub.config),
  );
  const sensor = new SimPresenceSensor({
    url: hub.url,
    site: hub.config.site.code,
    id: 'pir-bench',
    secret,
    fw: 'bench',
  });
  try {
    await hub.users.add({ ...LEADER, role: 'leader' });
    sensor.start();
    await until(() => hub.presence.current()[0]?.state === 'absent', 'the sensor to report');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const pages: Page[] = [];
    for (let i = 0; i < SCREENS; i++) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${hub.httpPort}/board`);
      await page.locator('#login input[name="name"]').fill(LEADER.name);
      await page.locator('#login input[name="password"]').fill(LEADER.password);
      await page.locator('#login button[type="submit"]').click();
      await page.waitForSelector('[data-desk="quay-1"][data-state="absent"]');
      pages.push(page);
    }
    const acks: number[] = [];
    const screens: number[] = [];
    for (let i = 0; i < FLIPS; i++) {
      const present = !sensor.present;
      const state = present ? 'present' : 'absent';
      const started = performance.now();
      const acked = new Promise<void>((resolve) => sensor.link.once('acked', () => resolve()));
      sensor.set(present);
      const shown = pages.map((page) =>
        page
          .waitForSelector(`[data-desk="quay-1"][data-state="${state}"]`, { timeout: 30_000 })
          .then(() => screens.push(performance.now() - started)),
      );
      await acked;
      acks.push(performance.now() - started);
      await Promise.all(shown);
    }
    return {
      flips: FLIPS,
      screens: SCREENS,
      ackP50Ms: percentile(acks, 50),
      ackP99Ms: percentile(acks, 99),
      screenP50Ms: percentile(screens, 50),
      screenP99Ms: percentile(screens, 99),
      screenMaxMs: Math.max(...screens),
    };
  } finally {
    await browser?.close();
    await sensor.stop();
    await hub.close();
  }
}
