import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import QRCode from 'qrcode';
import { PROTOCOL_VERSION } from '../../../protocol/index.ts';
import { type DeviceRecord, placementOf } from '../devices/index.ts';
import { HubError } from '../errors.ts';
import { both } from '../i18n/index.ts';
import { parse } from './args.ts';
import { type AdminContext, openAdminContext } from './context.ts';

const USAGE = `thanthien device add <id> --kind rating-button|presence-sensor|speaker [--desk <desk>] [--zone <zone>] [--json]
thanthien device list [--json]
thanthien device revoke <id>
thanthien device rotate <id> [--json]`;

const OPTIONS = {
  kind: { type: 'string' },
  desk: { type: 'string' },
  zone: { type: 'string' },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
} as const;

export async function deviceCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, OPTIONS, USAGE);
  const [action, id] = positionals;
  const ctx = openAdminContext();
  try {
    switch (action) {
      case 'add': {
        if (!id || !values.kind) throw new HubError('TT_USAGE', USAGE);
        const { device, secret } = await ctx.devices.add(
          { id, kind: values.kind, desk: values.desk, zone: values.zone },
          placementOf(ctx.config),
        );
        await handOver(ctx, device, secret, 'device.added', values.json, values.out);
        return;
      }
      case 'rotate': {
        if (!id) throw new HubError('TT_USAGE', USAGE);
        const { device, secret } = await ctx.devices.rotate(id);
        await handOver(ctx, device, secret, 'device.rotated', values.json, values.out);
        return;
      }
      case 'revoke': {
        if (!id) throw new HubError('TT_USAGE', USAGE);
        ctx.devices.revoke(id);
        console.log(both('device.revoked', { id }));
        return;
      }
      case 'list':
        return list(ctx.devices.list(), values.json);
      default:
        throw new HubError('TT_USAGE', USAGE);
    }
  } finally {
    ctx.close();
  }
}

/** Everything a technician needs to set up the board, once: a file, a QR code, or JSON for scripts. */
async function handOver(
  ctx: AdminContext,
  device: DeviceRecord,
  secret: string,
  message: 'device.added' | 'device.rotated',
  json: boolean,
  out: string | undefined,
): Promise<void> {
  const provisioning = {
    id: device.id,
    secret,
    kind: device.kind,
    site: ctx.config.site.code,
    desk: device.desk ?? undefined,
    zone: device.zone ?? undefined,
    mqtt_url: ctx.settings.mqttPublicUrl,
    // A rating box has as many buttons as the site's scale.
    scale: device.kind === 'rating-button' ? ctx.config.rating.scale : undefined,
    protocol: PROTOCOL_VERSION,
  };
  if (json) {
    console.log(JSON.stringify(provisioning));
    return;
  }
  const file = resolve(out ?? `${device.id}.thanthien.json`);
  writeFileSync(file, `${JSON.stringify(provisioning, null, 2)}\n`, { mode: 0o600 });
  const place = device.desk ? `desk ${device.desk}` : `zone ${device.zone}`;
  console.log(both(message, { id: device.id, kind: device.kind, place }));
  console.log(both('device.secretOnce', { file }));
  console.log(`\n  id:     ${device.id}\n  secret: ${secret}\n  mqtt:   ${provisioning.mqtt_url}\n`);
  console.log(both('device.scanQr'));
  console.log(await QRCode.toString(JSON.stringify(provisioning), { type: 'terminal', small: true }));
}

function list(devices: DeviceRecord[], json: boolean): void {
  if (json) {
    console.log(
      JSON.stringify(
        devices.map(({ id, kind, desk, zone, online, revokedAt, lastSeenAt, fw }) => ({
          id,
          kind,
          desk,
          zone,
          online,
          revoked: revokedAt !== null,
          last_seen_at: lastSeenAt,
          fw,
        })),
      ),
    );
    return;
  }
  if (devices.length === 0) {
    console.log(both('device.none'));
    return;
  }
  const rows = devices.map((d) => [
    d.id,
    d.kind,
    d.desk ?? d.zone ?? '',
    d.revokedAt ? 'thu hồi / revoked' : d.online ? 'trực tuyến / online' : 'ngoại tuyến / offline',
    d.lastSeenAt ?? '—',
  ]);
  const header = ['id', 'kind', 'desk/zone', 'state', 'last seen'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}
