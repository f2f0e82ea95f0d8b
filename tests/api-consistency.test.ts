import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteIso } from '../hub/src/http/dates.ts';
import { answerLanguage } from '../hub/src/http/language.ts';
import { sessionCookies, startTestHub, type TestHub } from './helpers/hub.ts';

// One error shape for every refusal of the HTTP API (docs/api.md), whoever raised it: our routes,
// zod, or fastify itself; always in our own words, in the language the request asked for.

let hub: TestHub;
let leader: { tt_session: string };
let operator: { tt_session: string };

/** Phrases of zod's and fastify's own English, which must never reach a person. */
const LIBRARY_ENGLISH =
  /Invalid input|Invalid option|expected|received|Too (small|big)|content-type is set|Route /;

const login = (name: string, password: string) => sessionCookies(hub, name, password);

beforeAll(async () => {
  hub = await startTestHub();
  await hub.users.add({ name: 'chu-tich-api', role: 'leader', password: 'mat-khau-chu-tich-api' });
  await hub.users.add({ name: 'van-thu-api', role: 'operator', password: 'mat-khau-van-thu-api' });
  leader = await login('chu-tich-api', 'mat-khau-chu-tich-api');
  operator = await login('van-thu-api', 'mat-khau-van-thu-api');
});

afterAll(async () => {
  await hub?.close();
});

type Answer = Awaited<ReturnType<TestHub['http']['inject']>>;

/** The one error shape, with nothing of the libraries' English in it. */
function expectErrorShape(res: Answer, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const { error, ...rest } = res.json();
  expect(rest).toEqual({});
  expect(error).toMatchObject({ code, lang: expect.stringMatching(/^(vi|en)$/) });
  expect(error.message).toBe(error.messages[error.lang]);
  expect(error.messages.vi).not.toBe(error.messages.en);
  expect(JSON.stringify(error)).not.toMatch(LIBRARY_ENGLISH);
  return error;
}

describe('errors the framework raises answer in our shape', () => {
  it('an unknown route is 404 TT_NOT_FOUND, inside and outside /api/v1', async () => {
    const api = await hub.http.inject({ method: 'GET', url: '/api/v1/khong-co?x=1' });
    expect(expectErrorShape(api, 404, 'TT_NOT_FOUND').messages).toEqual({
      vi: 'không có đường dẫn này: GET /api/v1/khong-co',
      en: 'no such route: GET /api/v1/khong-co',
    });
    expectErrorShape(await hub.http.inject({ method: 'GET', url: '/khong-co' }), 404, 'TT_NOT_FOUND');
  });

  it('a known route with the wrong method is 405 with the methods it takes', async () => {
    const res = await hub.http.inject({ method: 'PUT', url: '/api/v1/session' });
    expectErrorShape(res, 405, 'TT_METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD, POST, DELETE');
    expect(res.json().error.messages.en).toMatch(/takes only GET, HEAD, POST, DELETE/);
  });

  it('a body that is not JSON names the body', async () => {
    const res = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "quan-tri", ',
    });
    expect(expectErrorShape(res, 400, 'TT_REQUEST_INVALID')).toMatchObject({
      field: 'body',
      messages: { en: 'request is invalid: the body is not valid JSON' },
    });
  });

  it('a body too large is 413, saying the limit', async () => {
    const res = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { name: 'quan-tri', password: 'x'.repeat(100_000) },
    });
    expect(expectErrorShape(res, 413, 'TT_BODY_TOO_LARGE').messages).toMatchObject({
      en: 'request body is too large: at most 65536 bytes',
    });
  });

  it("a URL the router cannot decode is 400, not the framework's answer", async () => {
    const res = await hub.http.inject({ method: 'GET', url: '/api/v1/alerts/%E0%A4%A', cookies: leader });
    expect(expectErrorShape(res, 400, 'TT_REQUEST_INVALID').messages).toMatchObject({
      en: 'request is invalid: the URL is malformed',
    });
  });

  it('a body that is not JSON at all is 415', async () => {
    const res = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'text/plain' },
      payload: 'quan-tri',
    });
    expectErrorShape(res, 415, 'TT_MEDIA_TYPE_UNSUPPORTED');
  });
});

describe('the language of an answer', () => {
  it('is English when Accept-Language prefers English, otherwise Vietnamese', () => {
    expect(answerLanguage(undefined)).toBe('vi');
    expect(answerLanguage('en-US,en;q=0.9')).toBe('en');
    expect(answerLanguage('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
    expect(answerLanguage('en;q=0.5, vi')).toBe('vi');
    expect(answerLanguage('fr-FR, en;q=0.5')).toBe('en');
    expect(answerLanguage('fr-FR, de')).toBe('vi');
    expect(answerLanguage('en;q=0, vi;q=0.1')).toBe('vi');
  });

  it('follows the request, and says which it chose', async () => {
    const ask = (language?: string) =>
      hub.http.inject({
        method: 'GET',
        url: '/api/v1/desks',
        cookies: operator,
        headers: language ? { 'accept-language': language } : {},
      });
    const english = await ask('en-GB,en;q=0.9');
    expect(expectErrorShape(english, 403, 'TT_FORBIDDEN')).toMatchObject({
      lang: 'en',
      message: 'your role may not do this: needs admin or leader',
    });
    expect(english.headers['content-language']).toBe('en');
    const vietnamese = await ask();
    expect(expectErrorShape(vietnamese, 403, 'TT_FORBIDDEN')).toMatchObject({
      lang: 'vi',
      message: 'vai trò của bạn không được làm việc này: cần vai trò admin hoặc leader',
    });
  });
});

describe('validation speaks from our catalogue', () => {
  const attendance = (query: string) =>
    hub.http.inject({ method: 'GET', url: `/api/v1/desks/attendance?${query}`, cookies: leader });

  it('refuses a date that does not exist, naming the field', async () => {
    for (const [query, field] of [
      ['from=2026-02-30', 'from'],
      ['from=2026-11-20&to=2026-13-01', 'to'],
      ['to=2026-02-29', 'to'],
      ['from=20/11/2026', 'from'],
    ]) {
      const error = expectErrorShape(await attendance(query!), 400, 'TT_REQUEST_INVALID');
      expect(error).toMatchObject({
        field,
        messages: {
          vi: `yêu cầu không hợp lệ: ${field}: phải là ngày YYYY-MM-DD có thật theo giờ của xã`,
          en: `request is invalid: ${field}: must be a real date YYYY-MM-DD (site time)`,
        },
      });
    }
    expect((await attendance('from=2028-02-29')).statusCode).toBe(200);
  });

  it('says the order and size of a period in both languages', async () => {
    const reversed = expectErrorShape(
      await attendance('from=2026-11-20&to=2026-11-19'),
      400,
      'TT_REQUEST_INVALID',
    );
    expect(reversed).toMatchObject({
      field: 'to',
      messages: {
        vi: 'yêu cầu không hợp lệ: to: không được trước from (2026-11-20)',
        en: 'request is invalid: to: must not be before from (2026-11-20)',
      },
    });
    const long = expectErrorShape(
      await attendance('from=2026-01-01&to=2026-03-01'),
      400,
      'TT_REQUEST_INVALID',
    );
    expect(long.messages).toMatchObject({ en: 'request is invalid: to: at most 31 days at once' });
  });
});

describe('instants in site time', () => {
  it('reads an instant on the site clock with its offset', () => {
    expect(siteIso('Asia/Ho_Chi_Minh', Date.parse('2026-11-19T17:00:00Z'))).toBe('2026-11-20T00:00:00+07:00');
    expect(siteIso('Asia/Ho_Chi_Minh', Date.parse('2026-11-20T01:02:03.045Z'))).toBe(
      '2026-11-20T08:02:03.045+07:00',
    );
    expect(siteIso('UTC', Date.parse('2026-11-20T01:02:03Z'))).toBe('2026-11-20T01:02:03+00:00');
  });
});
