import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../hub/src/config/index.ts';
import { placementOf } from '../hub/src/devices/index.ts';
import { summarize, wilsonLowerBound } from '../hub/src/ratings/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { sessionCookies, startTestHub, type TestHub } from './helpers/hub.ts';

// Indicators with hand-computed expected values (docs/indicators.md has the formulas).

const row = (score: number, scale = 4, misuse = '') => {
  const satisfied = scale === 5 ? score >= 4 : scale === 4 ? score >= 3 : score >= 2;
  const unsatisfied = scale === 5 ? score <= 2 : score === 1;
  return { score, scale, satisfied: Number(satisfied), unsatisfied: Number(unsatisfied), misuse };
};

describe('formulas', () => {
  it('an empty period has no rates, not zero rates', () => {
    expect(summarize([])).toEqual({
      rated: 0,
      flagged: 0,
      satisfied: 0,
      unsatisfied: 0,
      share_satisfied: null,
      index: null,
      satisfaction_ratio: null,
      ranking_score: null,
    });
  });

  it('five ratings on a 4-button box: 4, 4, 3, 2, 1', () => {
    // satisfied: 4, 4, 3 → 3; unsatisfied: 1 → 1
    // index: (3/3 + 3/3 + 2/3 + 1/3 + 0/3) / 5 × 100 = 60
    // 766 ratio: (5 − 1) / 5 = 0.8; Wilson lower bound of 3/5 = 0.2307
    const result = summarize([4, 4, 3, 2, 1].map((s) => row(s)));
    expect(result).toMatchObject({
      rated: 5,
      satisfied: 3,
      unsatisfied: 1,
      share_satisfied: 0.6,
      satisfaction_ratio: 0.8,
    });
    expect(result.index).toBeCloseTo(60, 10);
    expect(result.ranking_score).toBeCloseTo(0.2307, 4);
  });

  it('flagged presses are kept apart, not counted', () => {
    const result = summarize([row(4), row(1, 4, 'repeat'), row(1, 4, 'outside-hours')]);
    expect(result).toMatchObject({ rated: 1, flagged: 2, unsatisfied: 0, share_satisfied: 1, index: 100 });
  });

  it('scales 3 and 5 count their own grades', () => {
    // scale 5: 2 is unsatisfied (Không hài lòng), 3 neither; index of (2, 3) = (1/4 + 2/4) / 2 × 100 = 37.5
    expect(summarize([row(2, 5), row(3, 5)])).toMatchObject({ satisfied: 0, unsatisfied: 1, index: 37.5 });
    // scale 3: 2 is satisfied (Hài lòng); index of (1, 2, 3) = (0 + 1/2 + 1) / 3 × 100 = 50
    expect(summarize([row(1, 3), row(2, 3), row(3, 3)])).toMatchObject({
      satisfied: 2,
      unsatisfied: 1,
      index: 50,
    });
  });

  it('ranks a small perfect sample below a large nearly perfect one', () => {
    expect(wilsonLowerBound(3, 3)).toBeCloseTo(0.4385, 4);
    expect(wilsonLowerBound(95, 100)).toBeCloseTo(0.8882, 4);
    expect(wilsonLowerBound(0, 0)).toBe(0);
  });
});

describe('GET /api/v1/indicators', () => {
  let hub: TestHub;
  let cookies: { tt_session: string };
  const DAY = '2026-11-20'; // a Friday

  beforeAll(async () => {
    hub = await startTestHub();
    const placement = placementOf(hub.config);
    const [deskA, deskB] = [placement.desks[0]!, placement.desks[1]!];
    const site = hub.config.site.code;
    await hub.users.add({ name: 'chu-tich', role: 'leader', password: 'mat-khau-chu-tich-2026' });
    await hub.users.add({ name: 'ky-thuat', role: 'technician', password: 'mat-khau-ky-thuat-2026' });
    cookies = await sessionCookies(hub, 'chu-tich', 'mat-khau-chu-tich-2026');
    // Desk A: 3 of 3 satisfied. Desk B: 8 satisfied, 2 unsatisfied. One press on A at 18:00 (flagged).
    const presses: Array<[string, string, number]> = [
      ['btn-a', '09:00', 4],
      ['btn-a', '09:10', 4],
      ['btn-a', '09:20', 3],
      ['btn-a', '18:00', 1],
      ...Array.from({ length: 10 }, (_, i): [string, string, number] => [
        'btn-b',
        `10:${String(i * 5).padStart(2, '0')}`,
        i < 8 ? 4 : 1,
      ]),
    ];
    for (const [id, desk] of [
      ['btn-a', deskA],
      ['btn-b', deskB],
    ] as const) {
      const { secret } = await hub.devices.add({ id, kind: 'rating-button', desk }, placement);
      const client = await mqtt.connectAsync(hub.url, {
        clientId: id,
        username: id,
        password: secret,
        reconnectPeriod: 0,
      });
      let seq = 0;
      for (const [device, time, score] of presses) {
        if (device !== id) continue;
        await client.publishAsync(
          deviceTopic(site, id, { family: 'evt', event: 'rating' }),
          JSON.stringify({
            boot: 'indi0001',
            seq: seq++,
            score,
            scale: 4,
            ts: `${DAY}T${time}:00.000+07:00`,
          }),
          { qos: 1 },
        );
      }
      await client.endAsync();
    }
  });

  afterAll(async () => {
    await hub?.close();
  });

  const get = (query: string, c: Record<string, string> = cookies, headers: Record<string, string> = {}) =>
    hub.http.inject({ method: 'GET', url: `/api/v1/indicators?${query}`, cookies: c, headers });
  const inEnglish = { 'accept-language': 'en' };

  it('gives the commune figures of a day, in the site time zone, with rankings', async () => {
    const res = await get(`from=${DAY}&to=${DAY}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // The period in site-time terms, as /desks/attendance gives it, and the instants it spans.
    expect(body).toMatchObject({
      from: DAY,
      to: DAY,
      starts_at: '2026-11-20T00:00:00+07:00',
      ends_before: '2026-11-21T00:00:00+07:00',
    });
    expect(Date.parse(body.starts_at)).toBe(startOfLocalDay('Asia/Ho_Chi_Minh', DAY).getTime());
    expect(body).toMatchObject({ rated: 13, flagged: 1, satisfied: 11, unsatisfied: 2 });
    expect(body.satisfaction_ratio).toBeCloseTo(11 / 13, 10);
    // B (8/10) outranks A (3/3): Wilson 0.4902 > 0.4385.
    const [deskA, deskB] = [hub.config.desks[0]!, hub.config.desks[1]!];
    expect(body.ranking.desks.map((d: { id: string }) => d.id)).toEqual([deskB.id, deskA.id]);
    expect(body.ranking.desks[0].ranking_score).toBeCloseTo(0.4902, 4);
    expect(body.ranking.officers.map((d: { id: string }) => d.id)).toEqual([deskB.officer, deskA.officer]);
  });

  it('narrows to a desk or an official', async () => {
    const deskA = hub.config.desks[0]!;
    const desk = (await get(`from=${DAY}&to=${DAY}&desk=${deskA.id}`)).json();
    expect(desk).toMatchObject({ rated: 3, flagged: 1, satisfied: 3 });
    expect(desk.index).toBeCloseTo(((3 + 3 + 2) / 9) * 100, 10);
    expect((await get(`from=${DAY}&to=${DAY}&officer=${deskA.officer}`)).json()).toMatchObject({ rated: 3 });
  });

  it('answers instants in site time with the offset, whatever offset they came in', async () => {
    // 09:00–09:15 site time: the first two presses on desk A.
    const body = (await get('from=2026-11-20T02:00:00Z&to=2026-11-20T09:15:00%2B07:00')).json();
    expect(body).toMatchObject({
      from: '2026-11-20T09:00:00+07:00',
      to: '2026-11-20T09:15:00+07:00',
      starts_at: '2026-11-20T09:00:00+07:00',
      ends_before: '2026-11-20T09:15:00+07:00',
      rated: 2,
    });
  });

  it('refuses a desk or an official the site config does not have, listing those it has', async () => {
    const desks = hub.config.desks.map((d) => d.id).join(', ');
    const desk = await get(`from=${DAY}&desk=quay-khong-co`, cookies, inEnglish);
    expect(desk.statusCode).toBe(400);
    expect(desk.json().error).toMatchObject({
      code: 'TT_REQUEST_INVALID',
      field: 'desk',
      message: `request is invalid: desk: must be one of ${desks}`,
    });
    const officer = await get(`from=${DAY}&officer=ai-do`);
    expect(officer.statusCode).toBe(400);
    expect(officer.json().error).toMatchObject({ field: 'officer' });
    expect(officer.json().error.message).toContain(
      `officer: phải là một trong ${hub.config.officials.map((o) => o.id).join(', ')}`,
    );
  });

  it('refuses dates that do not exist, also inside a date-time', async () => {
    for (const query of [
      'from=2026-02-30',
      `from=${DAY}&to=2026-02-29`,
      'from=2026-02-30T08:00:00%2B07:00',
    ]) {
      const res = await get(query, cookies, inEnglish);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message).toMatch(
        /: must be a real date YYYY-MM-DD \(site time\) or an ISO date-time/,
      );
    }
  });

  it('answers an empty period with nulls', async () => {
    expect((await get('from=2026-11-21&to=2026-11-21')).json()).toMatchObject({
      rated: 0,
      share_satisfied: null,
      index: null,
    });
  });

  it('refuses bad bounds, and users who are not leaders', async () => {
    const bad = await get('from=20/11/2026', cookies, inEnglish);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/from: must be a real date YYYY-MM-DD \(site time\)/);
    expect((await get(`from=${DAY}&to=2026-11-19`)).json().error.messages).toEqual({
      vi: 'yêu cầu không hợp lệ: to: phải sau from (2026-11-20)',
      en: 'request is invalid: to: must be after from (2026-11-20)',
    });
    expect((await hub.http.inject({ method: 'GET', url: `/api/v1/indicators?from=${DAY}` })).statusCode).toBe(
      401,
    );
    const techCookies = await sessionCookies(hub, 'ky-thuat', 'mat-khau-ky-thuat-2026');
    expect((await get(`from=${DAY}`, techCookies)).statusCode).toBe(403);
  });
});
