import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimPresenceSensor, SimRatingButton, SimSpeaker } from '../simulators/src/devices.ts';
import { thanthien } from './helpers/cli.ts';
import { deploy, nodeRedUp, pressUntilOut } from './helpers/flows.ts';
import {
  EXAMPLE_CONFIG,
  provisionSim,
  sessionCookies,
  startRadioHub,
  type TestHub,
  until,
} from './helpers/hub.ts';
import { freePort } from './helpers/net.ts';

// The four flows shipped with the hub (docs/flows.md), on the real Node-RED beside a real hub:
// installed on first start and off, then enabled as a technician would in the editor, each doing
// its job against a local HTTP receiver and a local SMTP sink. The hub's clock (and its devices')
// runs from Monday 23/11/2026 09:00 in the commune, so that office hours hold whenever this runs.

const DAY = '2026-11-23';
let offsetMs = Date.parse(`${DAY}T09:00:00+07:00`) - Date.now();
const clock = () => new Date(Date.now() + offsetMs);
const PASSWORD = 'mat-khau-quan-tri-2026';

let hub: TestHub;
let dataDir: string;
let flowsUrl: string;
let cookie: string;
const sims: Array<{ stop: () => Promise<void> }> = [];
let button: SimRatingButton;
let sensor: SimPresenceSensor;
let speaker: SimSpeaker;
let watched: SimRatingButton;

const received: Array<{ path: string; body: Record<string, unknown> }> = [];
const receiver = createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: JSON.parse(text) });
    res.end('ok');
  });
});
const mails: Array<{ to: string[]; text: string }> = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, done) {
    let text = '';
    stream.on('data', (chunk) => (text += chunk));
    stream.on('end', () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text });
      done();
    });
  },
});

/** Each shipped flow enabled with its settings (the tab's environment), as a technician would. */
async function enable(settings: Record<string, Record<string, string>>): Promise<void> {
  const flows = (await fetch(`${flowsUrl}/flows`, { headers: { cookie } }).then((r) => r.json())) as Array<
    Record<string, unknown> & { env?: Array<{ name: string; value: string; type: string }> }
  >;
  for (const node of flows) {
    const set = settings[node.id as string];
    if (node.type !== 'tab' || !set) continue;
    node.disabled = false;
    node.env = node.env!.map((e) => (e.name in set ? { ...e, value: set[e.name]!, type: 'str' } : e));
  }
  expect((await deploy(flowsUrl, cookie, flows)).ok).toBe(true);
}

beforeAll(async () => {
  const port = await freePort();
  flowsUrl = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(resolve('.'), '.tt-flows-shipped-'));
  hub = await startRadioHub(clock, { TT_FLOWS: 'on', TT_FLOWS_PORT: String(port), TT_DATA_DIR: dataDir });
  await hub.users.add({ name: 'quan-tri', role: 'admin', password: PASSWORD });
  cookie = `tt_session=${(await sessionCookies(hub, 'quan-tri', PASSWORD)).tt_session}`;
  const link = async (device: Parameters<typeof provisionSim>[1]) => ({
    ...(await provisionSim(hub, device)),
    clock,
  });
  button = new SimRatingButton(await link({ id: 'btn-quay-1', kind: 'rating-button', desk: 'quay-1' }));
  sensor = new SimPresenceSensor({
    ...(await link({ id: 'pir-quay-2', kind: 'presence-sensor', desk: 'quay-2' })),
    present: true,
  });
  speaker = new SimSpeaker(await link({ id: 'loa-dong-1', kind: 'speaker', zone: 'thon-dong' }));
  watched = new SimRatingButton(await link({ id: 'btn-quay-3', kind: 'rating-button', desk: 'quay-3' }));
  for (const sim of [button, sensor, speaker, watched]) {
    sims.push(sim);
    sim.start();
  }
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  await nodeRedUp(flowsUrl);
}, 90_000);

afterAll(async () => {
  await Promise.all(sims.map((sim) => sim.stop()));
  await hub?.close();
  receiver.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

const receiverUrl = (path: string) => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${path}`;
const api = async (path: string) =>
  (await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1${path}`, { headers: { cookie } })).json() as Promise<
    // biome-ignore lint/suspicious/noExplicitAny: each answer's shape is checked where it is read
    Record<string, any>
  >;

describe('the flows shipped with the hub', () => {
  it('are installed on first start, each on its own tab and off until enabled', async () => {
    const flows = (await fetch(`${flowsUrl}/flows`, { headers: { cookie } }).then((r) => r.json())) as Array<
      Record<string, unknown>
    >;
    const tabs = flows.filter((n) => n.type === 'tab');
    expect(tabs.map((t) => [t.id, t.disabled])).toEqual([
      ['tt-unsatisfied', true],
      ['tt-empty-desk', true],
      ['tt-device-offline', true],
      ['tt-weekly-report', true],
    ]);
    expect(flows.find((n) => n.id === 'tt-weekly-report-friday')).toMatchObject({ crontab: '30 13 * * 5' });
    expect(flows.filter((n) => n.type === 'thanthien-hub')).toHaveLength(1);

    // The office speaker's announcement airs without approval only once the admin allows it.
    const allowed = await thanthien(['flows', 'allow', 'tt-empty-desk', '--skip-approval'], {
      TT_DATA_DIR: hub.dataDir,
      TT_CONFIG: EXAMPLE_CONFIG,
    });
    expect(allowed.stdout).toContain('Flow tt-empty-desk: announces without approval: yes; emergencies: no');
    await enable({
      'tt-unsatisfied': {
        WEBHOOK_URL: receiverUrl('/khong-hai-long'),
        MAIL_TO: 'lanh-dao@xa-tan-lap.gov.vn',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
      },
      'tt-empty-desk': { ZONE: 'thon-dong' },
      'tt-device-offline': { OFFLINE_MIN: '0.02' },
      'tt-weekly-report': { WEBHOOK_URL: receiverUrl('/bao-cao-tuan') },
    });
  }, 60_000);

  it('tells the leader of an unsatisfied rating with desk, official and reason, by webhook and e-mail', async () => {
    // A deploy answers before its flows run: a citizen rates again until the flow has heard one.
    await pressUntilOut(
      () => button.reason(button.press(1, 4).seq, 'waiting'),
      () => received.some((r) => r.path === '/khong-hai-long'),
      'the webhook',
    );
    const told = received.find((r) => r.path === '/khong-hai-long')!.body;
    expect(told).toMatchObject({
      desk: 'quay-1',
      officer: hub.config.desks.find((d) => d.id === 'quay-1')!.officer,
      reason: 'waiting',
      score: 1,
      scale: 4,
    });
    expect(told.text).toContain('Chờ lâu');
    await until(() => mails.length > 0, 'the e-mail', 30_000);
    expect(mails[0]!.to).toEqual(['lanh-dao@xa-tan-lap.gov.vn']);
    expect(mails[0]!.text).toMatch(/quay-1/);
    // A satisfied rating is nobody's complaint.
    button.press(4, 4);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.filter((r) => r.path === '/khong-hai-long' && r.body.score !== 1)).toEqual([]);
  }, 90_000);

  it('says a polite word on the office speaker when a desk is left empty in office hours, and it airs', async () => {
    const title = 'Quầy 2 tạm vắng';
    const announced = async () =>
      ((await api('/programs')).programs as Array<{ id: number; title: string }>).find(
        (p) => p.title === title,
      );
    // The official leaves quay-2 and stays away past the alert time (15 min); until the flow runs,
    // they come back and leave again.
    await until(
      async () => {
        sensor.set(true);
        await new Promise((r) => setTimeout(r, 300));
        sensor.set(false);
        await new Promise((r) => setTimeout(r, 300));
        offsetMs += 16 * 60_000;
        return until(async () => (await announced()) !== undefined, 'the announcement', 15_000).then(
          () => true,
          () => false,
        );
      },
      'an announcement of the empty desk',
      75_000,
    );
    const program = (await api(`/programs/${(await announced())!.id}`)) as unknown as Record<string, unknown>;
    expect(program).toMatchObject({
      state: 'approved',
      zones: ['thon-dong'],
      content: { kind: 'text', text: 'Quầy 2 tạm vắng, xin bà con vui lòng chờ trong giây lát' },
      history: [{ action: 'announced', comment: expect.stringContaining('(tt-empty-desk)') }],
    });
    // The speaker got its play and aired it to the end: the play log says so.
    type Entry = { speaker: string; title: string; status: string };
    await until(
      async () =>
        ((await api(`/play-log?from=${DAY}&to=${DAY}`)).entries as Entry[]).some(
          (e) => e.title === title && e.speaker === 'loa-dong-1' && e.status === 'played',
        ),
      'the announcement played to the end in the play log',
      60_000,
    );
  }, 180_000);

  it('raises an alert for the technician when a device stays offline', async () => {
    const raised = async () =>
      ((await api('/alerts?kind=flow')).alerts as Array<{ details: { message: string } }>).find((a) =>
        a.details.message.includes('btn-quay-3'),
      );
    await until(
      async () => {
        watched.link.cut();
        const found = await until(async () => (await raised()) !== undefined, 'the alert', 8000).then(
          () => true,
          () => false,
        );
        if (!found) watched.link.reconnect();
        return found;
      },
      'an alert of the device offline',
      60_000,
    );
    expect((await raised())!.details.message).toContain('mất kết nối');
  }, 90_000);

  it("sends the week's indicators, attendance and radio to the district's webhook on Friday 13:30", async () => {
    // Friday 13:30 is pressed here as the inject node's button does.
    await pressUntilOut(
      () => void fetch(`${flowsUrl}/inject/tt-weekly-report-friday`, { method: 'POST', headers: { cookie } }),
      () => received.some((r) => r.path === '/bao-cao-tuan'),
      'the weekly report',
    );
    const report = received.find((r) => r.path === '/bao-cao-tuan')!.body;
    expect(report).toMatchObject({
      site: hub.config.site.code,
      week: {
        from: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
        to: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      },
      satisfaction: { rated: expect.any(Number) },
      attendance: { days: expect.any(Array) },
      broadcasts: { summary: expect.any(Array) },
    });
    // Monday of the week, in the commune's time, to the day it ran.
    const { from, to } = report.week as { from: string; to: string };
    expect(new Date(`${from}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(to >= from).toBe(true);
  }, 90_000);
});
