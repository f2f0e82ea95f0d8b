import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic } from '../protocol/index.ts';
import { sessionCookies, startTestHub, type TestHub, until } from './helpers/hub.ts';

// The technician's and the admin's work through the HTTP API of a real hub: devices added,
// rotated and revoked while one is connected over real MQTT; users added, reset and removed.

let hub: TestHub;
let technician: { tt_session: string };
let admin: { tt_session: string };
let leader: { tt_session: string };

beforeAll(async () => {
  hub = await startTestHub();
  await hub.users.add({ name: 'ky-thuat', role: 'technician', password: 'mat-khau-ky-thuat-2026' });
  await hub.users.add({ name: 'quan-tri', role: 'admin', password: 'mat-khau-quan-tri-2026' });
  await hub.users.add({ name: 'chu-tich', role: 'leader', password: 'mat-khau-lanh-dao-2026' });
  technician = await sessionCookies(hub, 'ky-thuat', 'mat-khau-ky-thuat-2026');
  admin = await sessionCookies(hub, 'quan-tri', 'mat-khau-quan-tri-2026');
  leader = await sessionCookies(hub, 'chu-tich', 'mat-khau-lanh-dao-2026');
});

afterAll(async () => {
  await hub?.close();
});

const api = (
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  cookies: { tt_session: string },
  payload?: object,
) => hub.http.inject({ method, url: `/api/v1${url}`, cookies, payload });

const connect = (id: string, secret: string) =>
  mqtt.connectAsync(hub.url, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });

describe('devices (thiết bị)', () => {
  it('adds a device and hands over its secret once, with its provisioning file as a QR code', async () => {
    const res = await api('POST', '/devices', technician, {
      id: 'loa-thon-moi',
      kind: 'speaker',
      zone: hub.config.zones[0]!.id,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.device).toMatchObject({ id: 'loa-thon-moi', kind: 'speaker', online: false, revoked: false });
    expect(body.provisioning).toMatchObject({
      id: 'loa-thon-moi',
      secret: body.secret,
      site: hub.config.site.code,
      zone: hub.config.zones[0]!.id,
      protocol: 'v1',
    });
    expect(body.qr_svg).toMatch(/^<svg/);
    // Shown once: the list never holds it, and the log never does.
    const list = await api('GET', '/devices', technician);
    expect(list.body).not.toContain(body.secret);
    expect(JSON.stringify(hub.logs)).not.toContain(body.secret);
  });

  it('refuses a device with no zone, in words that name it, and keeps nothing', async () => {
    const res = await api('POST', '/devices', technician, { id: 'loa-thieu', kind: 'speaker' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TT_DEVICE_INVALID');
    expect(res.json().error.messages.en).toMatch(/zone/);
    expect(hub.devices.get('loa-thieu')).toBeUndefined();
  });

  it('shows what a connected device last reported, and closes it when revoked', async () => {
    const added = (
      await api('POST', '/devices', technician, {
        id: 'btn-quay-moi',
        kind: 'rating-button',
        desk: hub.config.desks[0]!.id,
      })
    ).json();
    const client = await connect('btn-quay-moi', added.secret);
    await client.publishAsync(
      deviceTopic(hub.config.site.code, 'btn-quay-moi', { family: 'telemetry' }),
      JSON.stringify({ uptime_s: 60, battery_mv: 3710, rssi_dbm: -61, queue_len: 2 }),
      { qos: 1 },
    );
    const shown = (await api('GET', '/devices', leader))
      .json()
      .devices.find((d: { id: string }) => d.id === 'btn-quay-moi');
    expect(shown.telemetry).toEqual({ uptime_s: 60, battery_mv: 3710, rssi_dbm: -61, queue_len: 2 });
    expect(shown.telemetry_at).toMatch(/^\d{4}-/);

    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    const revoked = await api('POST', '/devices/btn-quay-moi/revoke', technician);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().device).toMatchObject({ id: 'btn-quay-moi', revoked: true });
    await closed;
    await expect(connect('btn-quay-moi', added.secret)).rejects.toThrow();

    // A rotation never undoes a revocation by accident; with reinstate, the new secret works.
    const again = await api('POST', '/devices/btn-quay-moi/rotate', technician);
    expect(again.json().error.code).toBe('TT_DEVICE_REVOKED');
    const reinstated = await api('POST', '/devices/btn-quay-moi/rotate', technician, { reinstate: true });
    expect(reinstated.statusCode).toBe(200);
    const back = await connect('btn-quay-moi', reinstated.json().secret);
    await until(() => hub.devices.get('btn-quay-moi')?.revokedAt === null, 'reinstated');
    await back.endAsync();
  });

  it('lets a leader see devices but not change them', async () => {
    const res = await api('POST', '/devices/btn-quay-moi/revoke', leader);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('TT_FORBIDDEN');
  });
});

describe('users (người dùng)', () => {
  it('adds a user with a generated password shown once, who can then log in', async () => {
    const res = await api('POST', '/users', admin, { name: 'van-thu', role: 'operator' });
    expect(res.statusCode).toBe(201);
    const { user, password } = res.json();
    expect(user).toEqual({ name: 'van-thu', role: 'operator' });
    expect(password.length).toBeGreaterThanOrEqual(10);
    expect(JSON.stringify(hub.logs)).not.toContain(password);
    await sessionCookies(hub, 'van-thu', password);
    const list = (await api('GET', '/users', admin)).json().users;
    expect(list.find((u: { name: string }) => u.name === 'van-thu')).toMatchObject({
      role: 'operator',
      open_sessions: 1,
    });
  });

  it('resets a password: the old sessions end, the new password works', async () => {
    const before = await sessionCookies(hub, 'chu-tich', 'mat-khau-lanh-dao-2026');
    const res = await api('POST', '/users/chu-tich/password', admin);
    expect(res.statusCode).toBe(200);
    const { password } = res.json();
    expect((await api('GET', '/devices', before)).statusCode).toBe(401);
    leader = await sessionCookies(hub, 'chu-tich', password);
    expect((await api('GET', '/devices', leader)).statusCode).toBe(200);
  });

  it('ends sessions, removes a user, and refuses removing oneself', async () => {
    const operator = await sessionCookies(hub, 'ky-thuat', 'mat-khau-ky-thuat-2026');
    const ended = await api('DELETE', '/users/ky-thuat/sessions', admin);
    expect(ended.json().ended).toBeGreaterThanOrEqual(1);
    expect((await api('GET', '/devices', operator)).statusCode).toBe(401);
    expect((await api('DELETE', '/users/van-thu', admin)).statusCode).toBe(204);
    expect(hub.users.get('van-thu')).toBeUndefined();
    const self = await api('DELETE', '/users/quan-tri', admin);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('TT_USER_SELF');
  });

  it('refuses every user route to anyone but an admin', async () => {
    for (const [method, url] of [
      ['GET', '/users'],
      ['POST', '/users'],
      ['POST', '/users/quan-tri/password'],
      ['DELETE', '/users/quan-tri/sessions'],
      ['DELETE', '/users/quan-tri'],
    ] as const) {
      const res = await api(method, url, leader, method === 'POST' ? {} : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });
});
