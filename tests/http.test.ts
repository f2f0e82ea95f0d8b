import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { startTestHub, type TestHub } from './helpers/hub.ts';

// The HTTP API through fastify's inject() — the real server without a socket — and MQTT over
// WebSocket on the real HTTP port.

let hub: TestHub;
const ADMIN_PASSWORD = 'mat-khau-quan-tri-2026';

beforeAll(async () => {
  hub = await startTestHub();
  await hub.users.add({ name: 'quan-tri', role: 'admin', password: ADMIN_PASSWORD });
  await hub.users.add({ name: 'van-thu', role: 'operator', password: 'mat-khau-van-thu-2026' });
});

afterAll(async () => {
  await hub?.close();
});

const login = (name: string, password: string) =>
  hub.http.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password } });

const cookieOf = (response: Awaited<ReturnType<typeof login>>) => {
  const cookie = response.cookies.find((c) => c.name === 'tt_session');
  if (!cookie) throw new Error('no session cookie');
  return { tt_session: cookie.value };
};

describe('GET /api/v1/health', () => {
  it('says the outbox holds the events while no InfluxDB writer runs', async () => {
    const res = await hub.http.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'degraded',
      site: hub.config.site.code,
      store: { outbox_backlog: 0 },
    });
    expect(body.problems.join(' ')).toMatch(/outbox/);
  });
});

describe('sessions', () => {
  it('logs in with a session cookie that is httpOnly and strict', async () => {
    const res = await login('quan-tri', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: 'quan-tri', role: 'admin' });
    const cookie = res.cookies.find((c) => c.name === 'tt_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    const me = await hub.http.inject({ method: 'GET', url: '/api/v1/session', cookies: cookieOf(res) });
    expect(me.json()).toEqual({ user: 'quan-tri', role: 'admin' });
  });

  it('answers a wrong password and an unknown user alike, and never logs the password', async () => {
    const wrong = await login('quan-tri', 'sai-mat-khau-roi');
    const unknown = await login('khong-ai', 'sai-mat-khau-roi');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('TT_LOGIN_FAILED');
    expect(JSON.stringify(hub.logs)).not.toContain('sai-mat-khau-roi');
    expect(JSON.stringify(hub.logs)).not.toContain(ADMIN_PASSWORD);
  });

  it('names the field of a malformed login, in our words in both languages', async () => {
    const res = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { name: 'quan-tri' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'TT_REQUEST_INVALID',
      message: 'yêu cầu không hợp lệ: password: bắt buộc',
      lang: 'vi',
      messages: {
        vi: 'yêu cầu không hợp lệ: password: bắt buộc',
        en: 'request is invalid: password: required',
      },
      field: 'password',
    });
  });

  it('throttles repeated failures, even when the right password comes next', async () => {
    for (let i = 0; i < 5; i++) expect((await login('van-thu', `sai-${i}-mat-khau`)).statusCode).toBe(401);
    const locked = await login('van-thu', 'mat-khau-van-thu-2026');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('TT_LOGIN_THROTTLED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('logs out', async () => {
    const cookies = cookieOf(await login('quan-tri', ADMIN_PASSWORD));
    expect((await hub.http.inject({ method: 'DELETE', url: '/api/v1/session', cookies })).statusCode).toBe(
      204,
    );
    expect((await hub.http.inject({ method: 'GET', url: '/api/v1/session', cookies })).statusCode).toBe(401);
  });
});

describe('roles', () => {
  it('lists devices for an admin, refuses an operator and an anonymous request', async () => {
    await hub.devices.add(
      { id: 'pir-http', kind: 'presence-sensor', desk: hub.config.desks[1]!.id },
      placementOf(hub.config),
    );
    const admin = cookieOf(await login('quan-tri', ADMIN_PASSWORD));
    const list = await hub.http.inject({ method: 'GET', url: '/api/v1/devices', cookies: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().devices).toEqual([
      expect.objectContaining({ id: 'pir-http', online: false, revoked: false }),
    ]);
    expect(JSON.stringify(list.json())).not.toMatch(/secret|scrypt/);
    expect((await hub.http.inject({ method: 'GET', url: '/api/v1/devices' })).statusCode).toBe(401);
  });
});

describe('MQTT over WebSocket at /mqtt', () => {
  it('accepts a device with its credentials and stores its event', async () => {
    const placement = placementOf(hub.config);
    const { secret } = await hub.devices.add(
      { id: 'btn-ws', kind: 'rating-button', desk: placement.desks[0]! },
      placement,
    );
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${hub.httpPort}/mqtt`, {
      clientId: 'btn-ws',
      username: 'btn-ws',
      password: secret,
      reconnectPeriod: 0,
    });
    await client.publishAsync(
      deviceTopic(hub.config.site.code, 'btn-ws', { family: 'evt', event: 'rating' }),
      JSON.stringify({ boot: 'wsboot01', seq: 0, score: 4, scale: 4 }),
      { qos: 1 },
    );
    await client.endAsync();
    const row = hub.store.prepare('SELECT type FROM events WHERE device = ?').get('btn-ws') as {
      type: string;
    };
    expect(row.type).toBe('rating');
  });
});
