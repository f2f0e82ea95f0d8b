import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRedUp } from './helpers/flows.ts';
import { startTestHub, type TestHub } from './helpers/hub.ts';
import { freePort } from './helpers/net.ts';

// The flows editor (Node-RED, docs/flows.md) in Debian's chromium, behind the hub's own login: a
// technician signed in to the hub's web app opens it and finds our palette; an operator is refused.

const PEOPLE = {
  technician: { name: 'ky-thuat', role: 'technician', password: 'mat-khau-ky-thuat-2026' },
  operator: { name: 'phat-thanh-vien', role: 'operator', password: 'mat-khau-phat-thanh-2026' },
} as const;

let hub: TestHub;
let browser: Browser;
let flowsUrl: string;

beforeAll(async () => {
  const port = await freePort();
  flowsUrl = `http://127.0.0.1:${port}/`;
  hub = await startTestHub({ TT_FLOWS: 'on', TT_FLOWS_PORT: String(port) });
  for (const person of Object.values(PEOPLE)) await hub.users.add(person);
  await nodeRedUp(flowsUrl);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** A fresh browser signed in to the hub's web app as `person`. */
async function signedIn(person: (typeof PEOPLE)[keyof typeof PEOPLE]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${hub.httpPort}/app`);
  await page.getByLabel('Tên đăng nhập').fill(person.name);
  await page.getByLabel('Mật khẩu').fill(person.password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByText(`${person.name} ·`).waitFor();
  return page;
}

describe('the flows editor', () => {
  it("opens for a technician signed in to the hub, with the palette 'Thân Thiện'", async () => {
    const page = await signedIn(PEOPLE.technician);
    await page.goto(flowsUrl);
    await page.locator('#red-ui-workspace-chart').waitFor();
    await page.locator('.red-ui-palette-node[data-palette-type="thanthien in"]').waitFor();
    expect(await page.locator('#node-dialog-login-fields').isVisible()).toBe(false);
    expect(await page.title()).toContain('Thân Thiện');
    // `npm run screenshot` keeps what a technician sees for docs/flows.md.
    if (process.env.TT_SCREENSHOTS)
      await page.screenshot({ path: join(process.env.TT_SCREENSHOTS, 'flows-editor.png') });
    await page.context().close();
  });

  it('is refused to an operator, whether signed in to the hub or through its own form', async () => {
    const page = await signedIn(PEOPLE.operator);
    await page.goto(flowsUrl);
    const form = page.locator('#node-dialog-login-fields');
    await form.waitFor();
    await page.locator('#node-dialog-login-username').fill(PEOPLE.operator.name);
    await page.locator('#node-dialog-login-password').fill(PEOPLE.operator.password);
    await page.locator('#node-dialog-login-submit').click();
    await page.locator('#node-dialog-login-failed').waitFor();
    expect(await page.locator('#red-ui-workspace-chart').isVisible()).toBe(false);
    await page.context().close();
  });
});
