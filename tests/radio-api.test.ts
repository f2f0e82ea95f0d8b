import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { placementOf } from '../hub/src/devices/index.ts';
import { silentWav } from './helpers/audio.ts';
import { sessionCookies, startTestHub, type TestHub, until } from './helpers/hub.ts';

// The radio's HTTP API as the web app and the speakers use it: roles on every route, uploads,
// downloads with device credentials, speech, programs through their approval, emergency, the log.

const NOW = Date.parse('2026-11-23T01:00:00Z'); // Monday 08:00 in the commune
let nowMs = NOW;
const PASSWORD = 'mat-khau-thu-nghiem-2026';

describe('radio API', () => {
  let hub: TestHub;
  const as: Record<string, { tt_session: string }> = {};
  let speaker: { id: string; secret: string };

  beforeAll(async () => {
    hub = await startTestHub({ TT_RADIO_CLOCK: 'trust' }, () => new Date(nowMs));
    for (const [name, role] of [
      ['phat-thanh-vien', 'operator'],
      ['chu-tich', 'leader'],
      ['pho-chu-tich', 'leader'],
      ['ky-thuat', 'technician'],
    ] as const) {
      await hub.users.add({ name, role, password: PASSWORD });
      as[name] = await sessionCookies(hub, name, PASSWORD);
    }
    const added = await hub.devices.add(
      { id: 'loa-dong-1', kind: 'speaker', zone: 'thon-dong' },
      placementOf(hub.config),
    );
    speaker = { id: 'loa-dong-1', secret: added.secret };
  }, 30_000);
  afterAll(() => hub?.close());

  const call = (user: string | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    hub.http.inject({ method, url: `/api/v1${url}`, payload, cookies: user ? as[user] : undefined });
  const upload = (user: string, name: string, body: Buffer, type = 'audio/wav') =>
    hub.http.inject({
      method: 'POST',
      url: `/api/v1/assets?name=${encodeURIComponent(name)}`,
      headers: { 'content-type': type },
      payload: body,
      cookies: as[user],
    });
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it('takes an upload from an operator, probes it, and lets a speaker download it with its own credentials', async () => {
    const wav = silentWav(30);
    const res = await upload('phat-thanh-vien', 'ban-tin.wav', wav);
    expect(res.statusCode).toBe(201);
    const asset = res.json();
    expect(asset).toMatchObject({
      name: 'ban-tin.wav',
      codec: 'WAVE/PCM',
      duration_s: 30,
      bytes: wav.length,
    });
    const file = `/api/v1/assets/${asset.sha256}/file`;
    const download = await hub.http.inject({
      url: file,
      headers: { authorization: basic(speaker.id, speaker.secret) },
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('audio/wav');
    expect(download.rawPayload.equals(wav)).toBe(true);
    const wrong = await hub.http.inject({ url: file, headers: { authorization: basic(speaker.id, 'sai') } });
    expect(wrong.statusCode).toBe(401);
    expect((await hub.http.inject({ url: file })).statusCode).toBe(401);
    expect((await upload('ky-thuat', 'x.wav', wav)).statusCode).toBe(403); // technicians do not write programs
  });

  it('refuses what is not audio and what is too large, naming the file', async () => {
    const pdf = await upload(
      'phat-thanh-vien',
      'cong-van.pdf',
      Buffer.from('%PDF-1.4 cong van'),
      'application/octet-stream',
    );
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json().error.code).toBe('TT_ASSET_NOT_AUDIO');
    expect(pdf.json().error.messages.en).toMatch(/"cong-van.pdf" is not audio/);
    const huge = await upload('phat-thanh-vien', 'dai.wav', silentWav(60 * 60, 16_000)); // 57.6 MB > 50 MB
    expect(huge.statusCode).toBe(413);
    expect(
      await hub.http.inject({ url: `/api/v1/assets/${'a'.repeat(64)}`, cookies: as['chu-tich'] }),
    ).toMatchObject({
      statusCode: 404,
    });
  });

  it('speaks a Vietnamese bulletin for the operator to hear before writing it', async () => {
    const res = await call('phat-thanh-vien', 'POST', '/speech', {
      text: 'UBND xã thông báo: ngày 25/11/2026 lúc 7h30 tiêm chủng tại trạm y tế.',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(Number(res.headers['x-duration-ms'])).toBeGreaterThan(3000);
    expect(res.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
  });

  it('takes a program from draft to approval by another leader, and shows it in the calendar', async () => {
    const program = {
      title: 'Bản tin sáng',
      tier: 'normal',
      zones: ['thon-dong'],
      content: { kind: 'text', text: 'Kính thưa bà con, đây là bản tin sáng của xã.' },
      schedule: { from: '2026-11-24', time: '06:30', recurrence: { kind: 'weekly', days: ['tue', 'thu'] } },
    };
    const created = await call('chu-tich', 'POST', '/programs', program);
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect(created.json()).toMatchObject({
      state: 'draft',
      content: { kind: 'text', asset: expect.any(String) },
    });
    expect((await call('chu-tich', 'POST', `/programs/${id}/submit`)).statusCode).toBe(200);
    const own = await call('chu-tich', 'POST', `/programs/${id}/approve`);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('TT_PROGRAM_OWN_APPROVAL');
    expect((await call('phat-thanh-vien', 'POST', `/programs/${id}/approve`)).statusCode).toBe(403);
    expect(
      (await call('pho-chu-tich', 'POST', `/programs/${id}/approve`, { comment: 'Đồng ý' })).json(),
    ).toMatchObject({
      state: 'approved',
    });
    const detail = (await call('ky-thuat', 'GET', `/programs/${id}`)).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual([
      'created',
      'submitted',
      'approved',
    ]);
    const calendar = (await call('phat-thanh-vien', 'GET', '/calendar?from=2026-11-23&to=2026-11-29')).json();
    expect(
      calendar.airings
        .filter((a: { program: number }) => a.program === id)
        .map((a: { start: string }) => a.start),
    ).toEqual(['2026-11-24T06:30:00+07:00', '2026-11-26T06:30:00+07:00']);
  });

  it('refuses bad programs with a coded error naming the field, and creates nothing', async () => {
    const before = (await call('chu-tich', 'GET', '/programs')).json().programs.length;
    const base = {
      title: 'Thông báo',
      tier: 'normal',
      zones: ['thon-dong'],
      content: { kind: 'stream', url: 'http://radio.local/vov1', duration_s: 300 },
      schedule: { from: '2026-11-24', time: '10:00', recurrence: { kind: 'once' } },
    };
    const cases: Array<[object, string, string, RegExp]> = [
      [
        { zones: ['thon-xa'] },
        'TT_PROGRAM_INVALID',
        'zones',
        /zones: "thon-xa" is not a zone of the site config/,
      ],
      [
        { schedule: { ...base.schedule, recurrence: { kind: 'weekly', days: ['thurs'] } } },
        'TT_REQUEST_INVALID',
        'schedule.recurrence.days.0',
        /schedule.recurrence.days.0: must be one of sun, mon, tue, wed, thu, fri, sat/,
      ],
      [
        { schedule: { ...base.schedule, from: '2026-11-01' } },
        'TT_PROGRAM_INVALID',
        'schedule',
        /has no airing from now on/,
      ],
      [
        { content: { kind: 'audio', asset: 'b'.repeat(64) } },
        'TT_PROGRAM_INVALID',
        'content.asset',
        /no uploaded audio/,
      ],
      [{ tier: 'khan' }, 'TT_REQUEST_INVALID', 'tier', /tier: must be one of normal, priority, emergency/],
    ];
    for (const [change, code, field, reason] of cases) {
      const res = await call('phat-thanh-vien', 'POST', '/programs', { ...base, ...change });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code, field });
      expect(res.json().error.messages.en).toMatch(reason);
      expect(res.json().error.messages.vi).not.toBe(res.json().error.messages.en);
    }
    expect((await call('chu-tich', 'GET', '/programs')).json().programs).toHaveLength(before);
  });

  it('puts an emergency on air only when confirmed and by a leader, and says what is on air', async () => {
    const alert = {
      title: 'Cảnh báo lũ',
      content: { kind: 'stream', url: 'http://radio.local/canh-bao', duration_s: 120 },
      zones: 'all',
    };
    expect(
      (await call('phat-thanh-vien', 'POST', '/emergency', { ...alert, confirm: true })).statusCode,
    ).toBe(403);
    const unconfirmed = await call('chu-tich', 'POST', '/emergency', alert);
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().error.code).toBe('TT_EMERGENCY_UNCONFIRMED');
    const res = await call('chu-tich', 'POST', '/emergency', { ...alert, confirm: true });
    expect(res.statusCode).toBe(201);
    const onAir = (await call('ky-thuat', 'GET', '/on-air')).json();
    expect(onAir.zones).toHaveLength(hub.config.zones.length);
    expect(onAir.zones[0]).toMatchObject({
      program: res.json().id,
      title: 'Cảnh báo lũ',
      tier: 'emergency',
      offset_s: 0,
      speakers: expect.any(Array),
    });
    nowMs += 30_000; // half a minute on air, then a leader ends it
    const ended = await call('pho-chu-tich', 'POST', `/emergency/${res.json().id}/end`);
    expect(ended.json()).toMatchObject({ duration_s: 30 });
    expect(ended.statusCode).toBe(200);
    expect((await call('ky-thuat', 'GET', '/on-air')).json().zones).toEqual([]);
  });

  it('gives the play log as JSON or CSV, and refuses a period the wrong way round', async () => {
    const json = await call('chu-tich', 'GET', '/play-log?from=2026-11-23&to=2026-11-23&zone=thon-dong');
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ from: '2026-11-23', entries: [] });
    const csv = await call('chu-tich', 'GET', '/play-log?from=2026-11-23&to=2026-11-29&format=csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toBe(
      '\uFEFFscheduled_at,program,title,tier,zone,speaker,status,offset_ms,played_s,error\r\n',
    );
    const backwards = await call('chu-tich', 'GET', '/play-log?from=2026-11-23&to=2026-11-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({ code: 'TT_REQUEST_INVALID', field: 'to' });
    expect((await call(undefined, 'GET', '/play-log?from=2026-11-23&to=2026-11-23')).statusCode).toBe(401);
  });

  it('pushes what is on air to a live screen when it changes', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${hub.httpPort}/api/v1/on-air/live`, {
      headers: { cookie: `tt_session=${as['ky-thuat']!.tt_session}` },
    });
    const messages: Array<{ zones: Array<{ zone: string; tier: string }> }> = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    try {
      // The first snapshot on connecting; a tick may follow at once with what changed before.
      await until(() => messages.at(-1)?.zones.length === 0, 'a snapshot with nothing on air');
      const seen = messages.length;
      const res = await call('chu-tich', 'POST', '/emergency', {
        title: 'Cháy rừng',
        content: { kind: 'stream', url: 'http://radio.local/canh-bao', duration_s: 120 },
        zones: ['thon-dong'],
        confirm: true,
      });
      expect(res.statusCode).toBe(201);
      // The feed's first tick after a connection may push the same empty view again; what the
      // emergency changes is the first push that has anything on air.
      const onAir = () => messages.slice(seen).find((m) => m.zones.length > 0);
      await until(() => onAir() !== undefined, 'a push after the emergency', 5000);
      expect(onAir()!.zones).toMatchObject([{ zone: 'thon-dong', tier: 'emergency' }]);
    } finally {
      socket.close();
    }
  });
});
