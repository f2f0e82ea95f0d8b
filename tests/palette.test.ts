import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { heldBecause, radioCalendar } from '../hub/src/broadcasts/index.ts';
import { SimRatingButton, SimSpeaker } from '../simulators/src/devices.ts';
import { provisionSim, sessionCookies, startTestHub, type TestHub, until } from './helpers/hub.ts';

// Our Node-RED palette (docs/flows.md) under node-red-node-test-helper, on Node-RED's real runtime,
// against a real hub: what each node does, and what it says when it is set up wrong.

const require = createRequire(import.meta.url);
type Helper = {
  init: (path: string) => void;
  startServer: () => Promise<void>;
  stopServer: () => Promise<void>;
  load: (nodes: unknown, flow: object[], credentials?: object) => Promise<void>;
  unload: () => Promise<void>;
  getNode: (id: string) => NodeLike;
  log: () => unknown;
};
type NodeLike = {
  on: (event: string, listener: (msg: Record<string, unknown>) => void) => void;
  status: (status: object) => void;
  error: (message: string) => void;
};
const helper = require('node-red-node-test-helper') as Helper;
const thanthienNodes = require('../palette/node-red-contrib-thanthien/nodes/thanthien.js');
helper.init(require.resolve('node-red'));

let hub: TestHub;
let integration: { id: string; secret: string };
let boxes: SimRatingButton[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  const { integration: added, secret } = await hub.integrations.add('nodered-thu');
  integration = { id: added.id, secret };
  await helper.startServer();
});

afterEach(async () => {
  await helper.unload();
  await Promise.all(boxes.map((b) => b.stop()));
  boxes = [];
});

afterAll(async () => {
  await helper.stopServer();
  await hub?.close();
});

const hubNode = (overrides: object = {}) => ({
  id: 'hub',
  type: 'thanthien-hub',
  thisHub: false,
  site: hub.config.site.code,
  mqttUrl: hub.url,
  ...overrides,
});

/** Every status a node shows, in order. */
function statuses(node: NodeLike): object[] {
  const seen: object[] = [];
  const original = node.status.bind(node);
  node.status = (status) => {
    seen.push(status);
    original(status);
  };
  return seen;
}

describe('thanthien in', () => {
  it('sends the events of the kinds and the desk it is set to, and nothing else', async () => {
    await helper.load(
      thanthienNodes,
      [
        hubNode(),
        { id: 'in', type: 'thanthien in', hub: 'hub', kinds: 'rating', desk: 'quay-1', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
      { hub: integration },
    );
    const received: Array<Record<string, unknown>> = [];
    helper.getNode('out').on('input', (msg) => received.push(msg));
    await until(
      () => (hub.health().mqtt as { clients: number }).clients >= 1,
      'the node connected to the hub',
    );

    for (const [id, desk] of [
      ['btn-in-1', 'quay-1'],
      ['btn-in-2', 'quay-2'],
    ] as const) {
      const box = new SimRatingButton(await provisionSim(hub, { id, kind: 'rating-button', desk }));
      boxes.push(box);
      box.start();
    }
    await until(() => boxes.every((b) => hub.devices.get(b.link.id)?.online), 'boxes online');
    const first = boxes[0]!.press(1, 4);
    boxes[0]!.reason(first.seq, 'attitude'); // another kind: not sent
    boxes[1]!.press(4, 4); // another desk: not sent
    const second = boxes[0]!.press(4, 4);
    await until(() => received.length >= 2, 'two ratings out of the node');
    await new Promise((r) => setTimeout(r, 300)); // anything else would have come by now
    expect(received.map((m) => [m.topic, (m.payload as { seq: number }).seq])).toEqual([
      ['rating', first.seq],
      ['rating', second.seq],
    ]);
    expect(received[0]!.payload).toMatchObject({
      desk: 'quay-1',
      device: 'btn-in-1',
      score: 1,
      unsatisfied: 1,
    });
  });

  it('says why it cannot work: no hub, an unknown kind, no credentials, a wrong secret', async () => {
    await helper.load(
      thanthienNodes,
      [
        hubNode(),
        hubNode({ id: 'bare' }),
        hubNode({ id: 'wrong' }),
        { id: 'no-hub', type: 'thanthien in', hub: 'missing', wires: [] },
        { id: 'bad-kind', type: 'thanthien in', hub: 'hub', kinds: 'rating,ratings', wires: [] },
        { id: 'no-credentials', type: 'thanthien in', hub: 'bare', wires: [] },
        { id: 'refused', type: 'thanthien in', hub: 'wrong', wires: [] },
      ],
      { hub: integration, wrong: { id: integration.id, secret: 'not-the-secret' } },
    );
    const refused = statuses(helper.getNode('refused'));
    // What was wrong at the start went to the log as each node's error, and to its status.
    const errors = (
      helper.log() as unknown as { args: Array<[{ id: string; level: number; msg: string }]> }
    ).args
      .map(([event]) => event)
      .filter((event) => event.level === 20); // Node-RED's ERROR
    const said = (id: string) => errors.filter((e) => e.id === id).map((e) => String(e.msg));
    expect(said('no-hub')).toEqual([expect.stringMatching(/errors\.hub|no hub chosen/)]);
    expect(said('bad-kind')).toEqual([expect.stringMatching(/errors\.kind|unknown kind/)]);
    expect(said('no-credentials')).toEqual([
      expect.stringMatching(/errors\.credentials|integration id and secret/),
    ]);
    await until(
      () => refused.some((s) => (s as { fill: string }).fill === 'red'),
      'the node with a wrong secret to say so',
      20_000,
    );
    expect(JSON.stringify(refused.find((s) => (s as { fill: string }).fill === 'red'))).toMatch(
      /Bad username or password|Not authorized/,
    );
  });
});

describe('thanthien indicators', () => {
  const asFlows = { apiUser: 'luong-huyen', apiPassword: 'mat-khau-luong-huyen-2026' };
  const quay4 = () => hub.ratings.indicators({ fromMs: 0, toMs: Date.now() + 1000, desk: 'quay-4' });
  const withApi = (id: string) => [
    hubNode({ id, apiUrl: `http://127.0.0.1:${hub.httpPort}` }),
    { id: `ind-${id}`, type: 'thanthien indicators', hub: id, wires: [['out']] },
  ];

  it("answers the hub's own indicators of the day, as a user with the role flows", async () => {
    if (!hub.users.get(asFlows.apiUser))
      await hub.users.add({ name: asFlows.apiUser, role: 'flows', password: asFlows.apiPassword });
    const box = new SimRatingButton(
      await provisionSim(hub, { id: 'btn-ind', kind: 'rating-button', desk: 'quay-4' }),
    );
    boxes.push(box);
    box.start();
    await until(() => hub.devices.get('btn-ind')?.online === true, 'the box online');
    box.press(4, 4);
    await new Promise((r) => setTimeout(r, 10));
    box.press(1, 4);
    await until(() => quay4().rated + quay4().flagged === 2, 'both ratings kept');

    await helper.load(thanthienNodes, [...withApi('hub'), { id: 'out', type: 'helper' }], { hub: asFlows });
    const out = new Promise<Record<string, unknown>>((resolve) => helper.getNode('out').on('input', resolve));
    (helper.getNode('ind-hub') as unknown as { receive: (msg: object) => void }).receive({
      payload: { desk: 'quay-4' },
    });
    const { payload } = (await out) as { payload: Record<string, unknown> };
    const own = quay4(); // today's, as the hub computes them
    expect(payload).toMatchObject({
      desk: 'quay-4',
      rated: own.rated,
      satisfied: own.satisfied,
      flagged: own.flagged,
    });
  });

  it("passes on the hub's refusal: a wrong password, a role that may not read indicators", async () => {
    await hub.users.add({ name: 'phat-thanh', role: 'operator', password: 'mat-khau-phat-thanh-2026' });
    await helper.load(
      thanthienNodes,
      [...withApi('wrong'), ...withApi('operator'), { id: 'out', type: 'helper' }],
      {
        wrong: { apiUser: asFlows.apiUser, apiPassword: 'khong-dung-mat-khau' },
        operator: { apiUser: 'phat-thanh', apiPassword: 'mat-khau-phat-thanh-2026' },
      },
    );
    for (const id of ['ind-wrong', 'ind-operator'])
      (helper.getNode(id) as unknown as { receive: (msg: object) => void }).receive({ payload: {} });
    const errors = () =>
      (helper.log() as unknown as { args: Array<[{ id: string; level: number; msg: unknown }]> }).args
        .map(([event]) => event)
        .filter((event) => event.level === 20);
    await until(() => errors().length >= 2, 'both refusals');
    const said = (id: string) => String(errors().find((e) => e.id === id)?.msg);
    // The hub's own words, code first (docs/api.md), in the node's error.
    expect(said('ind-wrong')).toMatch(/TT_LOGIN_FAILED: /);
    expect(said('ind-operator')).toMatch(/TT_FORBIDDEN: /);
  });
});

describe('thanthien alert', () => {
  const asFlows = { apiUser: 'luong-canh-bao', apiPassword: 'mat-khau-luong-canh-bao-2026' };

  it('raises an alert that leaders see and handle, once per key', async () => {
    await hub.users.add({ name: asFlows.apiUser, role: 'flows', password: asFlows.apiPassword });
    await hub.users.add({ name: 'chu-tich', role: 'leader', password: 'mat-khau-chu-tich-2026' });
    await helper.load(
      thanthienNodes,
      [
        hubNode({ apiUrl: `http://127.0.0.1:${hub.httpPort}` }),
        { id: 'alert', type: 'thanthien alert', hub: 'hub', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
      { hub: asFlows },
    );
    const answers: Array<{ raised: boolean; alert: Record<string, unknown> }> = [];
    helper.getNode('out').on('input', (msg) => answers.push(msg.payload as (typeof answers)[number]));
    const send = (payload: unknown) =>
      (helper.getNode('alert') as unknown as { receive: (msg: object) => void }).receive({ payload });
    const empty = { message: 'Quầy 2 vắng quá 30 phút', desk: 'quay-2', key: 'vang-quay-2-2026-11-23' };
    send(empty);
    await until(() => answers.length === 1, 'the first answer');
    send(empty); // the same key: no second alert
    send('Loa thôn Đông mất kết nối 10 phút'); // words only: for the whole commune
    await until(() => answers.length === 3, 'every answer');

    expect(answers.map((a) => a.raised)).toEqual([true, false, true]);
    expect(answers[1]!.alert.id).toBe(answers[0]!.alert.id);
    expect(answers[0]!.alert).toMatchObject({
      kind: 'flow',
      desk: 'quay-2',
      officer: hub.config.desks.find((d) => d.id === 'quay-2')!.officer,
      state: 'open',
      details: { message: empty.message, by: asFlows.apiUser },
    });
    expect(answers[2]!.alert).toMatchObject({
      desk: null,
      details: { message: 'Loa thôn Đông mất kết nối 10 phút' },
    });

    const leader = await sessionCookies(hub, 'chu-tich', 'mat-khau-chu-tich-2026');
    const listed = (
      await hub.http.inject({ method: 'GET', url: '/api/v1/alerts?kind=flow', cookies: leader })
    ).json() as { alerts: Array<{ id: number }> };
    expect(listed.alerts.map((a) => a.id).sort()).toEqual(
      [answers[0]!.alert.id, answers[2]!.alert.id].sort(),
    );
  });

  it('is refused to a user who is not for flows', async () => {
    await hub.users.add({ name: 'ky-thuat-2', role: 'technician', password: 'mat-khau-ky-thuat-2026' });
    await helper.load(
      thanthienNodes,
      [
        hubNode({ apiUrl: `http://127.0.0.1:${hub.httpPort}` }),
        { id: 'alert', type: 'thanthien alert', hub: 'hub', wires: [[]] },
      ],
      { hub: { apiUser: 'ky-thuat-2', apiPassword: 'mat-khau-ky-thuat-2026' } },
    );
    (helper.getNode('alert') as unknown as { receive: (msg: object) => void }).receive({ payload: 'thử' });
    const errors = () =>
      (helper.log() as unknown as { args: Array<[{ id: string; level: number; msg: unknown }]> }).args
        .map(([event]) => event)
        .filter((event) => event.level === 20 && event.id === 'alert');
    await until(() => errors().length === 1, 'the refusal');
    expect(String(errors()[0]!.msg)).toMatch(/TT_FORBIDDEN: /);
  });
});

/** The node's errors as Node-RED logged them (level 20), oldest first. */
const errorsOf = (id: string) =>
  (helper.log() as unknown as { args: Array<[{ id: string; level: number; msg: unknown }]> }).args
    .map(([event]) => event)
    .filter((event) => event.level === 20 && event.id === id)
    .map((event) => String(event.msg));

/** Send `payload` into node `id` and wait for what comes out of `out`, or for the node's error. */
async function ask(id: string, payload: unknown): Promise<Record<string, unknown> | string> {
  const before = errorsOf(id).length;
  let answer: Record<string, unknown> | undefined;
  const out = helper.getNode('out') as NodeLike & { removeAllListeners: (event: string) => void };
  out.removeAllListeners('input');
  out.on('input', (msg) => (answer = msg.payload as Record<string, unknown>));
  (helper.getNode(id) as unknown as { receive: (msg: object) => void }).receive({ payload });
  await until(() => answer !== undefined || errorsOf(id).length > before, `an answer from ${id}`, 30_000);
  return answer ?? errorsOf(id).at(-1)!;
}

describe('thanthien announce', () => {
  const asFlows = { apiUser: 'luong-loa', apiPassword: 'mat-khau-luong-loa-2026' };
  let admin: { tt_session: string };

  beforeAll(async () => {
    await hub.users.add({ name: asFlows.apiUser, role: 'flows', password: asFlows.apiPassword });
    await hub.users.add({ name: 'quan-tri', role: 'admin', password: 'mat-khau-quan-tri-2026' });
    await hub.users.add({ name: 'pho-chu-tich', role: 'leader', password: 'mat-khau-pho-chu-tich-2026' });
    admin = await sessionCookies(hub, 'quan-tri', 'mat-khau-quan-tri-2026');
  });
  const allow = (flow: string, allowed: { skip_approval: boolean; emergency: boolean }) =>
    hub.http.inject({
      method: 'PUT',
      url: `/api/v1/flow-allowances/${asFlows.apiUser}/${flow}`,
      payload: allowed,
      cookies: admin,
    });

  it('waits for approval unless the admin allowed its flow, and sends an emergency only with leave', async () => {
    await helper.load(
      thanthienNodes,
      [
        { id: 'loa-flow', type: 'tab', label: 'Thông báo thử' },
        hubNode({ apiUrl: `http://127.0.0.1:${hub.httpPort}` }),
        {
          id: 'announce',
          type: 'thanthien announce',
          z: 'loa-flow',
          hub: 'hub',
          zones: 'thon-dong, thon-doai',
          tier: 'normal',
          wires: [['out']],
        },
        { id: 'out', type: 'helper', z: 'loa-flow' },
      ],
      { hub: asFlows },
    );
    const waiting = (await ask('announce', 'Mời bà con dự họp thôn lúc 19 giờ tối nay')) as Record<
      string,
      unknown
    >;
    expect(waiting).toMatchObject({
      state: 'submitted',
      tier: 'normal',
      zones: ['thon-dong', 'thon-doai'],
      title: 'Thông báo thử',
      author: asFlows.apiUser,
      content: { kind: 'text', text: 'Mời bà con dự họp thôn lúc 19 giờ tối nay' },
      schedule: { recurrence: { kind: 'at' } },
    });
    const id = waiting.id as number;
    const history = hub.programs.history(id);
    expect(history[0]).toMatchObject({ action: 'submitted', comment: 'flow "Thông báo thử" (loa-flow)' });
    // A leader approves it: it airs then, not when the flow sent it.
    const leader = await sessionCookies(hub, 'pho-chu-tich', 'mat-khau-pho-chu-tich-2026');
    const approved = (
      await hub.http.inject({ method: 'POST', url: `/api/v1/programs/${id}/approve`, cookies: leader })
    ).json();
    expect(approved.state).toBe('approved');
    expect(approved.schedule.recurrence.at_ms).toBe(Date.parse(approved.approved_at));

    // An emergency without the admin's leave: refused with the reason, in the node's error.
    expect(await ask('announce', { text: 'Bão số 9 đổ bộ', tier: 'emergency', zones: 'all' })).toMatch(
      /TT_FLOW_NOT_ALLOWED: .*Thông báo thử/,
    );

    expect((await allow('loa-flow', { skip_approval: true, emergency: false })).statusCode).toBe(200);
    const cut = (await ask('announce', { text: 'Chiều nay cắt điện từ 14 giờ', title: 'Cắt điện' })) as {
      schedule: { recurrence: { at_ms: number } };
    };
    expect(cut).toMatchObject({ state: 'approved', title: 'Cắt điện', overrides: true });
    // It airs now, whatever the time of day the test runs at: at night or at noon the site's quiet
    // hours hold a normal program, and the answer says so.
    const now = {
      date: '',
      index: 0,
      startMs: cut.schedule.recurrence.at_ms,
      endMs: cut.schedule.recurrence.at_ms,
    };
    expect(cut).toMatchObject({ held: heldBecause('normal', now, radioCalendar(hub.config)) ?? null });
    expect((await allow('loa-flow', { skip_approval: true, emergency: true })).statusCode).toBe(200);
    // Another flows account (a district's Node-RED) naming the same flow id gets nothing of it.
    await hub.users.add({ name: 'nodered-huyen', role: 'flows', password: 'mat-khau-nodered-huyen-2026' });
    const district = await sessionCookies(hub, 'nodered-huyen', 'mat-khau-nodered-huyen-2026');
    const borrowed = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: {
        title: 'Bão',
        tier: 'emergency',
        content: { kind: 'text', text: 'Bão' },
        zones: 'all',
        flow: { id: 'loa-flow' },
      },
      cookies: district,
    });
    expect(borrowed.json().error.code).toBe('TT_FLOW_NOT_ALLOWED');
    expect(await ask('announce', { text: 'Bão số 9 đổ bộ', tier: 'emergency', zones: 'all' })).toMatchObject({
      state: 'approved',
      tier: 'emergency',
      zones: hub.config.zones.map((z) => z.id),
      volume: 100,
    });

    // What it cannot send, in its own words; a zone the commune does not have, in the hub's.
    expect(await ask('announce', { title: 'Không có nội dung' })).toMatch(
      /thanthien-announce.errors.content|text or an asset/,
    );
    expect(await ask('announce', { text: 'Thử', zones: ['thon-khong-co'] })).toMatch(
      /TT_PROGRAM_INVALID: .*thon-khong-co/,
    );
  });

  it('is for flows only: an admin may set allowances but not announce, a technician neither', async () => {
    const announcement = {
      title: 'Thử',
      content: { kind: 'text', text: 'Thử' },
      zones: ['thon-dong'],
      flow: { id: 'x' },
    };
    const asAdmin = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/announcements',
      payload: announcement,
      cookies: admin,
    });
    expect(asAdmin.json().error.code).toBe('TT_FORBIDDEN');
    await hub.users.add({ name: 'ky-thuat-3', role: 'technician', password: 'mat-khau-ky-thuat-2026' });
    const technician = await sessionCookies(hub, 'ky-thuat-3', 'mat-khau-ky-thuat-2026');
    const set = await hub.http.inject({
      method: 'PUT',
      url: `/api/v1/flow-allowances/${asFlows.apiUser}/x`,
      payload: { skip_approval: true, emergency: true },
      cookies: technician,
    });
    expect(set.json().error.code).toBe('TT_FORBIDDEN');
    const listed = (await hub.http.inject({ url: '/api/v1/flow-allowances', cookies: admin })).json();
    expect(listed.allowances).toEqual([
      expect.objectContaining({
        user: asFlows.apiUser,
        flow: 'loa-flow',
        skip_approval: true,
        emergency: true,
        granted_by: 'quan-tri',
      }),
    ]);
    expect(
      (
        await hub.http.inject({
          method: 'DELETE',
          url: `/api/v1/flow-allowances/${asFlows.apiUser}/loa-flow`,
          cookies: admin,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await hub.http.inject({ url: '/api/v1/flow-allowances', cookies: admin })).json().allowances,
    ).toEqual([]);
  });
});

describe('thanthien command', () => {
  const asFlows = { apiUser: 'luong-lenh', apiPassword: 'mat-khau-luong-lenh-2026' };

  it('pings and rebirths an online device and hears its answer; says why when it cannot', async () => {
    await hub.users.add({ name: asFlows.apiUser, role: 'flows', password: asFlows.apiPassword });
    const speaker = new SimSpeaker({
      ...(await provisionSim(hub, { id: 'loa-lenh', kind: 'speaker', zone: 'thon-doai' })),
    });
    await provisionSim(hub, { id: 'loa-tat', kind: 'speaker', zone: 'thon-doai' }); // never powered on
    speaker.start();
    try {
      await until(() => hub.devices.get('loa-lenh')?.online === true, 'the speaker online');
      await helper.load(
        thanthienNodes,
        [
          hubNode({ apiUrl: `http://127.0.0.1:${hub.httpPort}` }),
          { id: 'command', type: 'thanthien command', hub: 'hub', command: 'ping', wires: [['out']] },
          { id: 'out', type: 'helper' },
        ],
        { hub: asFlows },
      );
      expect(await ask('command', 'loa-lenh')).toMatchObject({
        device: 'loa-lenh',
        type: 'ping',
        status: 'done',
      });
      let births = 0;
      hub.bus.on('device.online', 'palette-test', ({ device }) => {
        if (device === 'loa-lenh') births++;
      });
      expect(await ask('command', { device: 'loa-lenh', type: 'rebirth' })).toMatchObject({
        type: 'rebirth',
        status: 'done',
      });
      await until(() => births === 1, 'the speaker to publish its birth again');
      hub.bus.removeOwner('palette-test');
      expect(await ask('command', 'loa-tat')).toMatch(/TT_DEVICE_OFFLINE: /);
      expect(await ask('command', 'loa-khong-co')).toMatch(/TT_DEVICE_UNKNOWN: /);
      expect(await ask('command', {})).toMatch(/thanthien-command.errors.device|no device/);
    } finally {
      await speaker.stop();
    }
  });
});
