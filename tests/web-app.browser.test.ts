import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimRatingButton } from '../simulators/src/devices.ts';
import { provisionSim, startTestHub, type TestHub, until } from './helpers/hub.ts';

// The web app in Debian's chromium against a real hub: each role's journey, a role refused a page
// in the page and in the API, phone and desktop layouts, and axe-core's accessibility check.

// An office morning in Hà Nội whatever day the test runs, so ratings and alerts count.
const t0 = Date.now();
const clock = () => new Date(Date.parse('2026-11-23T09:00:00+07:00') + (Date.now() - t0));

const PEOPLE = {
  admin: { name: 'quan-tri', password: 'mat-khau-quan-tri-2026', role: 'admin' },
  leader: { name: 'chu-tich', password: 'mat-khau-lanh-dao-2026', role: 'leader' },
  operator: { name: 'van-thu', password: 'mat-khau-van-thu-2026', role: 'operator' },
  technician: { name: 'ky-thuat', password: 'mat-khau-ky-thuat-2026', role: 'technician' },
} as const;
type Person = { name: string; password: string };

/** What a page needs to settle on a loaded machine: generous, never the measure of speed. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

let hub: TestHub;
let browser: Browser;
let button: SimRatingButton;

beforeAll(async () => {
  hub = await startTestHub({}, clock);
  for (const person of Object.values(PEOPLE)) await hub.users.add(person);
  button = new SimRatingButton({
    ...(await provisionSim(hub, { id: 'btn-quay-2', kind: 'rating-button', desk: 'quay-2' })),
    clock,
    scale: 4,
  });
  button.start();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await button?.stop();
  await hub?.close();
});

const appUrl = (path = '') => `http://127.0.0.1:${hub.httpPort}/app${path ? `#/${path}` : ''}`;

/** A fresh browser (its own cookies) logged in as `person`, at `path`. */
async function signedIn(
  person: Person,
  path: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ page: Page; context: BrowserContext }> {
  // axe-core is injected as a script; the app's CSP would rightly refuse it.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(appUrl(path));
  await page.getByLabel('Tên đăng nhập').fill(person.name);
  await page.getByLabel('Mật khẩu').fill(person.password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByText(`${person.name} ·`).waitFor();
  return { page, context };
}

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it stands. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeSource });
  // Runs in the page, where axe-core is a global; a string, since this file knows no DOM types.
  const result = (await page.evaluate('axe.run().then((r) => r.violations)')) as Array<{
    id: string;
    impact: string;
    nodes: unknown[];
  }>;
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes.length})`);
}

describe('the technician (kỹ thuật viên)', () => {
  it('adds a device, sees its secret once, and the device connects with it', async () => {
    const { page, context } = await signedIn(PEOPLE.technician, 'thiet-bi');
    await page.getByLabel('Mã thiết bị').fill('btn-quay-5');
    await page.getByLabel('Quầy').selectOption('quay-5');
    await page.getByRole('button', { name: 'Thêm thiết bị' }).click();
    const secret = (await page.getByTestId('secret').textContent())!;
    expect(secret.length).toBeGreaterThan(20);
    expect(await page.locator('.qr svg').count()).toBe(1);
    await expect(page.getByRole('link', { name: 'Tải tệp cấu hình' }).getAttribute('download')).resolves.toBe(
      'btn-quay-5.thanthien.json',
    );

    // The board set up with what the page showed: it comes online, and the page says so.
    const board = new SimRatingButton({
      url: hub.url,
      site: hub.config.site.code,
      id: 'btn-quay-5',
      secret,
      fw: 'sim-1.0.0',
      clock,
      scale: 4,
    });
    board.start();
    try {
      await until(() => hub.devices.get('btn-quay-5')?.online === true, 'the new box online');
      await page.reload();
      await poll(() => page.locator('[data-device="btn-quay-5"]').innerText()).toContain('Trực tuyến');
    } finally {
      await board.stop();
      await context.close();
    }
  });

  it('revokes a device: the device is cut off at once', async () => {
    const old = new SimRatingButton({
      ...(await provisionSim(hub, { id: 'btn-quay-3', kind: 'rating-button', desk: 'quay-3' })),
      clock,
      scale: 4,
    });
    old.start();
    await until(() => hub.devices.get('btn-quay-3')?.online === true, 'the old box online');
    const { page, context } = await signedIn(PEOPLE.technician, 'thiet-bi');
    const row = page.locator('[data-device="btn-quay-3"]');
    await row.getByRole('button', { name: 'Thu hồi' }).click();
    await row.getByRole('button', { name: 'Xác nhận — Thu hồi' }).click();
    await poll(() => row.innerText()).toContain('Đã thu hồi');
    await until(() => hub.devices.get('btn-quay-3')?.online === false, 'the old box cut off');
    await old.stop();
    // Back in service later, with a new secret.
    await row.getByRole('button', { name: 'Cho dùng lại' }).click();
    await row.getByRole('button', { name: 'Xác nhận — Cho dùng lại' }).click();
    expect(await page.getByTestId('secret').textContent()).toMatch(/\S{20,}/);
    await context.close();
  });
});

describe('the admin (quản trị)', () => {
  it('adds a user, who logs in with the password shown once', async () => {
    const { page, context } = await signedIn(PEOPLE.admin, 'nguoi-dung');
    await page.getByLabel('Tên đăng nhập').fill('pho-chu-tich');
    await page.getByLabel('Vai trò').selectOption('leader');
    await page.getByRole('button', { name: 'Thêm người dùng' }).click();
    const shown = await page.getByRole('status').filter({ hasText: 'pho-chu-tich' }).textContent();
    const password = /pho-chu-tich: (\S+)/.exec(shown!)![1]!;
    await poll(() => page.locator('[data-user="pho-chu-tich"]').innerText()).toContain('Lãnh đạo');
    await context.close();

    const newcomer = await signedIn({ name: 'pho-chu-tich', password }, 'canh-bao');
    expect(await newcomer.page.getByRole('heading', { level: 1 }).textContent()).toBe('Cảnh báo');
    await newcomer.context.close();
  });
});

describe('the leader (lãnh đạo)', () => {
  it('resolves an alert raised by an unsatisfied citizen, with a note kept in its history', async () => {
    await until(() => hub.devices.get('btn-quay-2')?.online === true, 'the rating box online');
    button.press(1);
    const openAlerts = () => hub.store.prepare("SELECT id FROM alerts WHERE state = 'open'").all();
    await until(() => openAlerts().length > 0, 'an alert');
    const { page, context } = await signedIn(PEOPLE.leader, 'canh-bao');
    const alert = page.locator('tr[data-alert]').first();
    await alert.getByRole('checkbox').check();
    await page.getByLabel('Nội dung').fill('Đã gọi điện xin lỗi công dân');
    await page.getByRole('button', { name: 'Đã xử lý' }).click();
    await poll(() => page.locator('tr[data-alert]').count()).toBe(0);
    await page.getByLabel('Tình trạng').selectOption('resolved');
    await poll(() => page.locator('tr[data-alert]').first().innerText()).toContain('Đã xử lý');
    const id = Number(await page.locator('tr[data-alert]').first().getAttribute('data-alert'));
    const last = hub.store
      .prepare('SELECT user_name, action, comment FROM alert_history WHERE alert_id = ? ORDER BY rowid DESC')
      .get(id);
    expect(last).toEqual({
      user_name: 'chu-tich',
      action: 'resolved',
      comment: 'Đã gọi điện xin lỗi công dân',
    });
    await context.close();
  });
});

describe('roles', () => {
  it('refuses a page to a role that may not use it, in the page and in the API', async () => {
    const { page, context } = await signedIn(PEOPLE.operator, 'nguoi-dung');
    await poll(() => page.getByRole('alert').textContent()).toBe(
      'Vai trò của bạn không được dùng trang này.',
    );
    expect(await page.getByRole('link', { name: 'Người dùng' }).count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    expect(status).toBe(403);
    await context.close();
  });

  it('speaks English when asked, and remembers it', async () => {
    const { page, context } = await signedIn(PEOPLE.admin, 'thiet-bi');
    await page.getByRole('button', { name: 'English' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Devices');
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Devices');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await context.close();
  });
});

describe('layouts and accessibility', () => {
  const pages = [
    [PEOPLE.technician, 'thiet-bi'],
    [PEOPLE.admin, 'nguoi-dung'],
    [PEOPLE.leader, 'canh-bao'],
  ] as const;

  for (const width of [390, 1440]) {
    it(`fits ${width} px without scrolling sideways, with no serious axe violations`, async () => {
      for (const [person, path] of pages) {
        const { page, context } = await signedIn(person, path, { width, height: 900 });
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0);
        expect(await seriousViolations(page), path).toEqual([]);
        // `TT_SCREENSHOTS=docs/img npm run screenshot` saves the pictures the README shows.
        if (process.env.TT_SCREENSHOTS && width === 1440) {
          await page.screenshot({ path: join(process.env.TT_SCREENSHOTS, `app-${path}.png`) });
        }
        await context.close();
      }
    });
  }
});
