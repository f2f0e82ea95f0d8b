import type { FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { CHECK_COMMANDS, type DeviceRecord, placementOf, provisioningOf } from '../devices/index.ts';
import { parseRequest, userOf } from './guards.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';

const READERS = ['admin', 'technician', 'leader'] as const;
const TECHNICIANS = ['admin', 'technician'] as const;

const Id = z.object({ id: z.string().max(64) });
const NewDevice = z.object({
  id: z.string().max(64),
  kind: z.string().max(32),
  desk: z.string().max(64).optional(),
  zone: z.string().max(64).optional(),
});
const Check = z.object({ type: z.enum(CHECK_COMMANDS) });
/** Who may check that a device hears the hub: its technicians, and flows (thanthien command). */
const CHECKERS = ['admin', 'technician', 'flows'] as const;
const Rotate = z.object({ reinstate: z.boolean().default(false) }).default({ reinstate: false });

/** A device as the API shows it: where it stands, whether it is online, and what it last reported. */
export const deviceView = (d: DeviceRecord) => ({
  id: d.id,
  kind: d.kind,
  desk: d.desk,
  zone: d.zone,
  revoked: d.revokedAt !== null,
  revoked_at: d.revokedAt,
  online: d.online,
  boot: d.boot,
  fw: d.fw,
  last_seen_at: d.lastSeenAt,
  state_changed_at: d.stateChangedAt,
  telemetry: d.telemetry,
  telemetry_at: d.telemetryAt,
});

/**
 * /api/v1/devices — the registry for technicians: every device with its availability and last
 * telemetry; add a device, issue a new secret, revoke one. A secret is in one answer only (with
 * its provisioning file and that file as a QR code) and is stored hashed.
 */
export function devicesRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get(
    '/devices',
    doc({ summary: 'Devices, availability and last telemetry', who: READERS }),
    async () => {
      return { devices: deps.devices.list().map(deviceView) };
    },
  );

  api.post(
    '/devices',
    doc({
      summary: 'Add a device: its secret once, provisioning file and QR',
      who: TECHNICIANS,
      body: NewDevice,
      status: 201,
    }),
    async (request, reply) => {
      const user = userOf(request);
      const input = parseRequest(NewDevice, request.body);
      const { device, secret } = await deps.devices.add(input, placementOf(deps.config));
      request.log.info({ device: device.id, kind: device.kind, by: user.name }, 'device added');
      return handOver(reply.status(201), deps, device, secret);
    },
  );

  api.post(
    '/devices/:id/rotate',
    doc({ summary: 'A new secret; the old one stops at once', who: TECHNICIANS, params: Id, body: Rotate }),
    async (request, reply) => {
      const user = userOf(request);
      const { id } = parseRequest(Id, request.params);
      const { reinstate } = parseRequest(Rotate, request.body ?? undefined);
      const { device, secret } = await deps.devices.rotate(id, { reinstate });
      deps.credentialsChanged();
      request.log.info({ device: id, reinstate, by: user.name }, 'device secret rotated');
      return handOver(reply, deps, device, secret);
    },
  );

  api.post(
    '/devices/:id/revoke',
    doc({ summary: 'Revoke: refused from now on, disconnected', who: TECHNICIANS, params: Id }),
    async (request) => {
      const user = userOf(request);
      const device = deps.devices.revoke(parseRequest(Id, request.params).id);
      deps.credentialsChanged();
      request.log.info({ device: device.id, by: user.name }, 'device revoked');
      return { device: deviceView(device) };
    },
  );

  api.post(
    '/devices/:id/commands',
    doc({
      summary: 'Ping or rebirth an online device and wait for its ack (10 s)',
      who: CHECKERS,
      params: Id,
      body: Check,
    }),
    async (request) => {
      const user = userOf(request);
      const { id } = parseRequest(Id, request.params);
      const { type } = parseRequest(Check, request.body);
      const answer = await deps.commands.send(id, type);
      request.log.info({ device: id, type, status: answer.status, by: user.name }, 'device command answered');
      return answer;
    },
  );
}

/** The one answer that holds a device's secret: never cached, never logged. */
async function handOver(reply: FastifyReply, deps: HttpDeps, device: DeviceRecord, secret: string) {
  const provisioning = provisioningOf(device, secret, {
    code: deps.config.site.code,
    mqttUrl: deps.mqttPublicUrl,
    scale: deps.config.rating.scale,
  });
  reply.header('cache-control', 'no-store');
  return {
    device: deviceView(device),
    secret,
    provisioning,
    qr_svg: await QRCode.toString(JSON.stringify(provisioning), { type: 'svg', margin: 2 }),
  };
}
