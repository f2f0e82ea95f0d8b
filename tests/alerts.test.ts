import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { sessionCookies, startTestHub, type TestHub } from './helpers/hub.ts';

// Alerts raised by ratings over real MQTT, handled by a leader through the API.

let hub: TestHub;
let client: MqttClient;
let leader: { tt_session: string };
let operator: { tt_session: string };
let seq = 0;
let desk: { id: string; officer: string };

const rate = (score: number, time: string) =>
  client.publishAsync(
    deviceTopic(hub.config.site.code, 'btn-alert', { family: 'evt', event: 'rating' }),
    JSON.stringify({ boot: 'alert001', seq: seq++, score, scale: 4, ts: `2026-11-18T${time}:00.000+07:00` }),
    { qos: 1 },
  );
const session = (name: string, password: string) => sessionCookies(hub, name, password);
const api = (
  method: 'GET' | 'POST',
  url: string,
  cookies = leader,
  payload?: object,
  headers: Record<string, string> = {},
) => hub.http.inject({ method, url: `/api/v1${url}`, cookies, payload, headers });
type History = Array<{ action: string; user: string | null; comment: string | null }>;
const actions = (history: History) => history.map((h) => h.action);

beforeAll(async () => {
  hub = await startTestHub();
  const placement = placementOf(hub.config);
  desk = hub.config.desks[2]!;
  const { secret } = await hub.devices.add(
    { id: 'btn-alert', kind: 'rating-button', desk: desk.id },
    placement,
  );
  client = await mqtt.connectAsync(hub.url, {
    clientId: 'btn-alert',
    username: 'btn-alert',
    password: secret,
  });
  await hub.users.add({ name: 'pho-chu-tich', role: 'leader', password: 'mat-khau-pho-chu-tich' });
  await hub.users.add({ name: 'phat-thanh', role: 'operator', password: 'mat-khau-phat-thanh' });
  leader = await session('pho-chu-tich', 'mat-khau-pho-chu-tich');
  operator = await session('phat-thanh', 'mat-khau-phat-thanh');
});

afterAll(async () => {
  await client?.endAsync();
  await hub?.close();
});

describe('alerts', () => {
  it('an unsatisfied rating raises an alert with its desk and official; a flagged one does not', async () => {
    await rate(4, '08:00');
    await rate(1, '08:10');
    await rate(1, '08:10'); // the same minute again: a repeat, flagged, no second alert
    await rate(1, '12:00'); // lunch break: flagged, no alert
    const { alerts } = (await api('GET', '/alerts')).json();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'unsatisfied-rating',
      desk: desk.id,
      officer: desk.officer,
      state: 'open',
      details: { device: 'btn-alert', score: 1, scale: 4, rated_at: '2026-11-18T01:10:00.000Z' },
      history: [{ action: 'raised', user: null }],
    });
  });

  it('a leader acknowledges, comments and resolves, and each step is kept', async () => {
    const [alert] = (await api('GET', '/alerts?state=open')).json().alerts;
    expect((await api('POST', `/alerts/${alert.id}/ack`)).json().state).toBe('acknowledged');
    await api('POST', `/alerts/${alert.id}/comment`, leader, {
      text: 'Đã gặp công dân, xin lỗi về thời gian chờ.',
    });
    const resolved = (
      await api('POST', `/alerts/${alert.id}/resolve`, leader, { text: 'Đã nhắc nhở công chức.' })
    ).json();
    expect(resolved.state).toBe('resolved');
    expect(resolved.history.map((h: { action: string; user: string | null }) => [h.action, h.user])).toEqual([
      ['raised', null],
      ['acknowledged', 'pho-chu-tich'],
      ['commented', 'pho-chu-tich'],
      ['resolved', 'pho-chu-tich'],
    ]);
    expect(resolved.history[2].comment).toBe('Đã gặp công dân, xin lỗi về thời gian chờ.');
    const again = await api('POST', `/alerts/${alert.id}/ack`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TT_ALERT_RESOLVED');
  });

  it('a desk whose unsatisfied share passes the threshold raises one share alert', async () => {
    // Window 60 min, threshold 0.3, at least 5 ratings: 08:00 4, 08:10 1, then 14:00–14:40.
    for (const [time, score] of [
      ['14:00', 4],
      ['14:10', 1],
      ['14:20', 4],
      ['14:30', 1],
      ['14:40', 1],
    ] as const) {
      await rate(score, time);
    }
    const share = (await api('GET', '/alerts'))
      .json()
      .alerts.filter((a: { kind: string }) => a.kind === 'unsatisfied-share');
    expect(share).toHaveLength(1);
    expect(share[0]).toMatchObject({
      desk: desk.id,
      details: { rated: 5, unsatisfied: 3, share: 0.6, threshold: 0.3 },
    });
  });

  it('repeating a step changes nothing: no second acknowledgement, comment or resolution', async () => {
    const [share] = (await api('GET', '/alerts?kind=unsatisfied-share')).json().alerts;
    const acked = (await api('POST', `/alerts/${share.id}/ack`)).json();
    const again = await api('POST', `/alerts/${share.id}/ack`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(acked);
    expect(actions(acked.history)).toEqual(['raised', 'acknowledged']);

    const note = { text: 'Đã họp với quầy.' };
    const commented = (await api('POST', `/alerts/${share.id}/comment`, leader, note)).json();
    expect((await api('POST', `/alerts/${share.id}/comment`, leader, note)).json()).toEqual(commented);
    expect(actions(commented.history)).toEqual(['raised', 'acknowledged', 'commented']);

    const resolved = (await api('POST', `/alerts/${share.id}/resolve`, leader, { text: 'Xong.' })).json();
    for (const body of [undefined, {}, { text: 'Xong.' }]) {
      const repeat = await api('POST', `/alerts/${share.id}/resolve`, leader, body);
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json()).toEqual(resolved);
    }
    // A new note on a resolved alert would be lost: refused, in words saying why.
    const late = await api(
      'POST',
      `/alerts/${share.id}/resolve`,
      leader,
      { text: 'Ghi chú muộn.' },
      {
        'accept-language': 'en',
      },
    );
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toBe(
      `alert is resolved; it takes no further action: #${share.id} is resolved; resolving it again cannot add a note`,
    );
    expect(actions((await api('GET', `/alerts/${share.id}`)).json().history)).toEqual([
      'raised',
      'acknowledged',
      'commented',
      'resolved',
    ]);
  });

  it('lists a page at a time, newest first, and says where the next page starts', async () => {
    // Four unsatisfied ratings (08:10, 14:10, 14:30, 14:40) and one share alert so far.
    const all = (await api('GET', '/alerts')).json();
    expect(all).toMatchObject({ limit: 50, more: false, next_before: null });
    const ids = all.alerts.map((a: { id: number }) => a.id);
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const seen: number[] = [];
    let page = (await api('GET', '/alerts?limit=2')).json();
    expect(page).toMatchObject({ limit: 2, more: true, next_before: ids[1] });
    seen.push(...page.alerts.map((a: { id: number }) => a.id));
    while (page.more) {
      page = (await api('GET', `/alerts?limit=2&before=${page.next_before}`)).json();
      seen.push(...page.alerts.map((a: { id: number }) => a.id));
    }
    expect(seen).toEqual(ids);
    expect(page).toMatchObject({ more: false, next_before: null });
  });

  it('filters by state, kind and desk', async () => {
    const list = async (query: string) =>
      (await api('GET', `/alerts?${query}`)).json().alerts as Array<{
        kind: string;
        desk: string;
        state: string;
      }>;
    expect(await list('kind=unsatisfied-share')).toHaveLength(1);
    expect((await list('kind=unsatisfied-rating')).every((a) => a.kind === 'unsatisfied-rating')).toBe(true);
    expect(await list(`desk=${desk.id}`)).toHaveLength(5);
    expect(await list(`desk=${hub.config.desks[0]!.id}`)).toEqual([]);
    expect(await list(`desk=${desk.id}&state=resolved`)).toHaveLength(2);
    expect(await list(`desk=${desk.id}&state=open&kind=unsatisfied-rating`)).toHaveLength(3);
  });

  it('names what is wrong, and keeps alerts to leaders', async () => {
    const english = { 'accept-language': 'en' };
    const state = (await api('GET', '/alerts?state=maybe', leader, undefined, english)).json().error;
    expect(state).toMatchObject({
      field: 'state',
      message: 'request is invalid: state: must be one of open, acknowledged, resolved',
      messages: { vi: 'yêu cầu không hợp lệ: state: phải là một trong open, acknowledged, resolved' },
    });
    const unknownDesk = (await api('GET', '/alerts?desk=quay-99', leader, undefined, english)).json().error;
    expect(unknownDesk).toMatchObject({ field: 'desk' });
    expect(unknownDesk.message).toBe(
      `request is invalid: desk: must be one of ${hub.config.desks.map((d) => d.id).join(', ')}`,
    );
    for (const [query, words] of [
      ['limit=201', 'limit: must be at most 200'],
      ['limit=0', 'limit: must be a positive whole number'],
      ['before=abc', 'before: must be a positive whole number'],
    ] as const) {
      const res = await api('GET', `/alerts?${query}`, leader, undefined, english);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message).toBe(`request is invalid: ${words}`);
    }
    const empty = await api('POST', '/alerts/1/comment', leader, { text: '' }, english);
    expect(empty.json().error.message).toBe('request is invalid: text: must not be empty');
    expect((await api('POST', '/alerts/1/comment', leader, { text: '' })).statusCode).toBe(400);
    expect((await api('POST', '/alerts/999/ack')).statusCode).toBe(404);
    expect((await api('GET', '/alerts', operator)).statusCode).toBe(403);
  });
});
