import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimRatingButton, SimSpeaker } from '../simulators/src/devices.ts';
import { silentWav } from './helpers/audio.ts';
import { provisionSim, sessionCookies, startRadioHub, type TestHub, until } from './helpers/hub.ts';

// The web app in Debian's chromium against a real hub: each role's journey, a role refused a page
// in the page and in the API, phone and desktop layouts, and axe-core's accessibility check.

// An office morning in Hà Nội whatever day the test runs, so ratings and alerts count. The test
// moves the hub's clock forward to the radio's airings; speakers wait on the same clock.
const t0 = Date.now();
let shiftMs = 0;
const clock = () => new Date(Date.parse('2026-11-23T09:00:00+07:00') + (Date.now() - t0) + shiftMs);
const onClock = (atMs: number, then: () => void) => {
  const poller = setInterval(() => {
    if (clock().getTime() < atMs) return;
    clearInterval(poller);
    then();
  }, 20);
  return () => clearInterval(poller);
};
/** HH:MM in Hà Nội (UTC+7, no summer time). */
const hanoiTime = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(11, 16);

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

const speakers: SimSpeaker[] = [];

beforeAll(async () => {
  hub = await startRadioHub(clock);
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
  await Promise.all(speakers.map((speaker) => speaker.stop()));
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
  // A step that cannot happen fails with the locator it waited for, well inside the test's time.
  context.setDefaultTimeout(20_000);
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

describe('the admin and the flows (luồng tự động)', () => {
  it('allows a flow to announce without approval, then emergencies, then withdraws it', async () => {
    // The user the hub makes for its own Node-RED (flows are off in this test's hub).
    await hub.users.add({ name: 'thanthien-flows', role: 'flows', password: 'mat-khau-luong-2026-x' });
    const { page, context } = await signedIn(PEOPLE.admin, 'luong-tu-dong');
    await page.getByLabel('Mã luồng (tab)').fill('tt-empty-desk');
    await page.getByLabel('Tên luồng').fill('Quầy vắng');
    await page.getByLabel('Phát không cần duyệt').first().check();
    await page.getByRole('button', { name: 'Cho phép luồng' }).click();
    const row = page.locator('tr[data-flow="tt-empty-desk"]');
    await poll(() => row.innerText()).toContain('Quầy vắng');
    const stored = () =>
      hub.store
        .prepare(
          "SELECT user_name, skip_approval, emergency FROM flow_allowances WHERE flow = 'tt-empty-desk'",
        )
        .get();
    expect(stored()).toEqual({ user_name: 'thanthien-flows', skip_approval: 1, emergency: 0 });
    await row.getByLabel('Phát khẩn cấp: tt-empty-desk').check();
    await poll(async () => stored()).toEqual({
      user_name: 'thanthien-flows',
      skip_approval: 1,
      emergency: 1,
    });
    await row.getByRole('button', { name: 'Rút quyền' }).click();
    await poll(() => row.count()).toBe(0);
    expect(stored()).toBeUndefined();
    await context.close();
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

    // The same citizen counts in today's indicators, and quầy 2 leads the ranking of desks.
    await page.getByRole('link', { name: 'Chỉ số' }).click();
    await poll(() => page.locator('[data-figure="rated"]').textContent()).toBe('1');
    expect(await page.locator('[data-rank="quay-2"]').innerText()).toContain('Quầy 2');
    await context.close();
  });
});

describe('the radio (phát thanh)', () => {
  const ZONE = 'thon-dong';
  let slot: { ms: number; time: string };
  let ours: number;

  beforeAll(async () => {
    for (const id of ['loa-dong-1', 'loa-dong-2']) {
      const speaker = new SimSpeaker({
        ...(await provisionSim(hub, { id, kind: 'speaker', zone: ZONE })),
        clock,
        timer: onClock,
      });
      speaker.start();
      speakers.push(speaker);
    }
    await until(
      () => ['loa-dong-1', 'loa-dong-2'].every((id) => hub.devices.get(id)?.online),
      'the speakers online',
    );
    // The morning bulletin, approved, at a whole minute ten minutes ahead: the slot the operator's
    // program will want too.
    const next = Math.ceil((clock().getTime() + 10 * 60_000) / 60_000) * 60_000;
    slot = { ms: next, time: hanoiTime(next) };
    const admin = await sessionCookies(hub, PEOPLE.admin.name, PEOPLE.admin.password);
    const leader = await sessionCookies(hub, PEOPLE.leader.name, PEOPLE.leader.password);
    const call = (cookies: { tt_session: string }, url: string, payload?: object) =>
      hub.http.inject({ method: 'POST', url: `/api/v1${url}`, cookies, payload });
    const bulletin = (
      await call(admin, '/programs', {
        title: 'Bản tin sáng',
        tier: 'normal',
        zones: [ZONE],
        content: { kind: 'text', text: 'Kính thưa bà con, sau đây là bản tin sáng của xã.' },
        schedule: { from: '2026-11-23', time: slot.time, recurrence: { kind: 'weekly', days: ['mon'] } },
      })
    ).json();
    await call(admin, `/programs/${bulletin.id}/submit`);
    expect((await call(leader, `/programs/${bulletin.id}/approve`)).statusCode).toBe(200);
  });

  it('the operator drafts a weekly program with speech, sees the overlap and queues it after', async () => {
    const { page, context } = await signedIn(PEOPLE.operator, 'lich');
    await page.getByRole('button', { name: 'Soạn chương trình' }).click();
    const editor = page.locator('form.editor');
    await editor.getByLabel('Tiêu đề').fill('Thông báo tiêm chủng');
    await editor.getByLabel('Thôn Đông').check();
    await editor
      .getByLabel('Văn bản cần đọc')
      .fill(
        'Kính thưa bà con, trạm y tế xã tổ chức tiêm chủng cho trẻ em vào sáng thứ bảy, ngày 28 tháng 11, ' +
          'từ 7 giờ 30 đến 11 giờ, tại nhà văn hoá thôn Đông. Đề nghị các gia đình đưa các cháu đi tiêm đầy đủ, đúng giờ.',
      );
    await editor.getByRole('button', { name: 'Nghe thử' }).click();
    await editor.getByTestId('speech').waitFor();
    await editor.getByLabel('Thứ Tư').check();
    await editor.getByLabel('Giờ phát').fill(slot.time);
    await editor.getByLabel('Đến ngày (để trống: không hạn)').fill('2026-12-31');
    await editor.getByLabel('Số lần mỗi ngày').fill('2');
    await editor.getByLabel('Cách nhau (phút)').fill('0');
    expect(await editor.getByTestId('schedule-words').textContent()).toBe(
      `Thứ Hai, Thứ Tư hằng tuần lúc ${slot.time}, từ 23/11/2026 đến 31/12/2026, mỗi ngày 2 lần cách nhau 0 phút`,
    );
    await editor.getByRole('button', { name: 'Lưu bản nháp' }).click();
    const overlap = editor.getByRole('alert').filter({ hasText: 'Trùng lịch' });
    await poll(() => overlap.textContent()).toContain('Bản tin sáng');
    await overlap.getByRole('button', { name: 'Phát sau chương trình kia' }).click();
    await poll(() => page.getByRole('status').first().textContent()).toMatch(
      /Đã lưu chương trình #\d+ \(Nháp\)/,
    );
    ours = Number(/#(\d+)/.exec((await page.getByRole('status').first().textContent())!)![1]);
    const row = page.locator(`tr[data-program="${ours}"]`);
    await row.getByRole('button', { name: 'Gửi duyệt' }).click();
    await poll(() => row.innerText()).toContain('Chờ duyệt');
    // The week shows it, dashed until approved, after the bulletin it no longer overlaps.
    await poll(() =>
      page.locator(`.day-column[data-date="2026-11-23"] [data-program="${ours}"]`).count(),
    ).toBe(2);
    await context.close();
  });

  it('the operator uploads a recording, with its progress and length', async () => {
    const { page, context } = await signedIn(PEOPLE.operator, 'lich');
    await page.getByRole('button', { name: 'Soạn chương trình' }).click();
    const editor = page.locator('form.editor');
    await editor.getByLabel('Tệp âm thanh').check();
    await editor
      .getByLabel('Chọn tệp âm thanh (mp3, wav, ogg, m4a)')
      .setInputFiles({ name: 'loa-moi.wav', mimeType: 'audio/wav', buffer: silentWav(4, 16_000) });
    await poll(() => editor.getByRole('status').textContent()).toBe('Đã tải lên loa-moi.wav (4 giây)');
    await editor.locator('audio').waitFor();
    // Not audio: the API's reason, in the page, and nothing kept.
    await editor.getByLabel('Chọn tệp âm thanh (mp3, wav, ogg, m4a)').setInputFiles({
      name: 'bao-cao.wav',
      mimeType: 'audio/wav',
      buffer: Buffer.from('không phải âm thanh'),
    });
    await poll(() => editor.getByRole('alert').first().textContent()).toMatch(/không phải|âm thanh/);
    await context.close();
  });

  it('a leader approves it after listening', async () => {
    const { page, context } = await signedIn(PEOPLE.leader, 'duyet');
    const waiting = page.locator(`article[data-program="${ours}"]`);
    await waiting.locator('audio').waitFor(); // what the leader listens to before approving
    await waiting.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await poll(() => page.getByRole('status').first().textContent()).toBe('Đã duyệt: Thông báo tiêm chủng.');
    await context.close();
  });

  it('it airs on the speakers, the play log shows it, and an emergency preempts its second airing', async () => {
    const operator = await signedIn(PEOPLE.operator, 'nhat-ky');
    const leader = await signedIn(PEOPLE.leader, 'khan-cap');
    // Fill in the emergency while waiting; send it once the program's second airing is on air.
    const form = leader.page.locator('form.emergency');
    await form.getByLabel('Tiêu đề').fill('Cảnh báo lũ');
    await form.getByLabel('Tất cả các thôn').check();
    await form
      .getByLabel('Văn bản cần đọc')
      .fill(
        'Khẩn cấp: nước sông đang lên nhanh. Bà con vùng trũng thôn Đông, thôn Đoài di chuyển ngay người ' +
          'và tài sản lên chỗ cao, không qua ngầm tràn.',
      );
    const send = form.getByRole('button', { name: 'Phát khẩn cấp' });
    expect(await send.isDisabled()).toBe(true);
    await form.getByLabel('Tôi xác nhận phát khẩn cấp ngay bây giờ').check();

    shiftMs += slot.ms - 2_000 - clock().getTime(); // two seconds before the slot
    const played = () =>
      hub.store
        .prepare(
          'SELECT speaker, status, airing_start_ms FROM play_log WHERE program = ? ORDER BY airing_start_ms',
        )
        .all(ours) as Array<{ speaker: string; status: string; airing_start_ms: number }>;
    await until(() => played().length === 2, 'the first airing logged on both speakers', 90_000);
    expect(played().map((e) => e.status)).toEqual(['played', 'played']);
    await operator.page.reload();
    const rows = operator.page.locator(`tr[data-program="${ours}"]`);
    await poll(() => rows.count()).toBe(2);
    expect(await rows.first().innerText()).toContain('Đã phát');

    await send.click();
    await poll(() => leader.page.getByRole('status').first().textContent()).toBe(
      'Đã phát khẩn cấp: Cảnh báo lũ',
    );
    const zone = leader.page.locator(`section[data-zone="${ZONE}"]`);
    await poll(() => zone.innerText()).toContain('Khẩn cấp');
    await poll(() => zone.locator('[data-speaker="loa-dong-1"]').innerText()).toContain('Đang phát');
    // Some seconds of it, then a leader ends it; the program it cut resumes, short of what it lost.
    const heard = clock().getTime();
    await until(() => clock().getTime() - heard > 3_000, 'three seconds of the emergency');
    await leader.page.getByRole('button', { name: /Dừng phát khẩn cấp/ }).click();
    await until(() => played().length === 4, 'the second airing logged', 90_000);
    expect(
      played()
        .slice(2)
        .map((e) => e.status),
    ).toEqual(['preempted', 'preempted']);
    await operator.page.reload();
    await poll(() => rows.count()).toBe(4);
    expect(await rows.last().innerText()).toContain('Bị chen');
    await operator.context.close();
    await leader.context.close();
  }, 240_000);

  it('the operator edits the approved program: it goes back for approval', async () => {
    const { page, context } = await signedIn(PEOPLE.operator, 'lich');
    const row = page.locator(`tr[data-program="${ours}"]`);
    await row.getByRole('button', { name: 'Sửa' }).click();
    const editor = page.locator('form.editor');
    expect(await editor.getByLabel('Tiêu đề').inputValue()).toBe('Thông báo tiêm chủng');
    await editor.getByLabel('Tiêu đề').fill('Thông báo tiêm chủng (đổi giờ)');
    await editor.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await poll(() => row.innerText()).toContain('Chờ duyệt');
    expect(await row.innerText()).toContain('Thông báo tiêm chủng (đổi giờ)');
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
  // Every page, each as a role that uses it.
  const pages = [
    [PEOPLE.operator, 'lich'],
    [PEOPLE.leader, 'duyet'],
    [PEOPLE.leader, 'khan-cap'],
    [PEOPLE.technician, 'dang-phat'],
    [PEOPLE.operator, 'nhat-ky'],
    [PEOPLE.technician, 'thiet-bi'],
    [PEOPLE.leader, 'canh-bao'],
    [PEOPLE.leader, 'chi-so'],
    [PEOPLE.admin, 'nguoi-dung'],
    [PEOPLE.admin, 'luong-tu-dong'],
  ] as const;

  for (const width of [390, 1440]) {
    it(`every page fits ${width} px without scrolling sideways, with no serious axe violations`, async () => {
      for (const [person, path] of pages) {
        const { page, context } = await signedIn(person, path, { width, height: 900 });
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0);
        expect(await seriousViolations(page), path).toEqual([]);
        // `npm run screenshot` saves the pictures the README shows (TT_SCREENSHOTS=docs/img).
        if (process.env.TT_SCREENSHOTS && width === 1440 && ['lich', 'khan-cap', 'thiet-bi'].includes(path)) {
          await page.screenshot({ path: join(process.env.TT_SCREENSHOTS, `app-${path}.png`) });
        }
        await context.close();
      }
    });
  }
});
