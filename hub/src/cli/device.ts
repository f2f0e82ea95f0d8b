import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import QRCode from 'qrcode';
import { type DeviceRecord, placementOf, provisioningOf } from '../devices/index.ts';
import { both } from '../i18n/index.ts';
import { missing, parse } from './args.ts';
import { type AdminContext, openAdminContext, printTable, siteTime } from './context.ts';

const OPTIONS = {
  kind: { type: 'string' },
  desk: { type: 'string' },
  zone: { type: 'string' },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  reinstate: { type: 'boolean', default: false },
} as const;

const ACTIONS = ['add', 'list', 'revoke', 'rotate'];

export async function deviceCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, OPTIONS, 'device');
  const [action, id] = positionals;
  // Every word is checked before the store is opened.
  if (!action || !ACTIONS.includes(action))
    throw missing('device', { vi: 'việc cần làm', en: 'action' }, ACTIONS);
  if (action !== 'list' && !id)
    throw missing(`device ${action}`, { vi: '<id> của thiết bị', en: "the device's <id>" });
  if (action === 'add' && !values.kind)
    throw missing('device add', { vi: '--kind', en: '--kind' }, [
      'rating-button',
      'presence-sensor',
      'speaker',
    ]);
  const ctx = openAdminContext();
  try {
    switch (action) {
      case 'add': {
        const { device, secret } = await ctx.devices.add(
          { id: id!, kind: values.kind!, desk: values.desk, zone: values.zone },
          placementOf(ctx.config),
        );
        await handOver(ctx, device, secret, 'device.added', values.json, values.out);
        return;
      }
      case 'rotate': {
        const { device, secret } = await ctx.devices.rotate(id!, { reinstate: values.reinstate });
        await handOver(ctx, device, secret, 'device.rotated', values.json, values.out);
        return;
      }
      case 'revoke': {
        ctx.devices.revoke(id!);
        console.log(both('device.revoked', { id: id! }));
        return;
      }
      default:
        return list(ctx, values.json);
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
  const provisioning = provisioningOf(device, secret, {
    code: ctx.config.site.code,
    mqttUrl: ctx.settings.mqttPublicUrl,
    scale: ctx.config.rating.scale,
  });
  if (json) {
    console.log(JSON.stringify(provisioning));
    return;
  }
  // The secret stays on the hub, readable by its user only, never in the working directory.
  const file = out ? resolve(out) : join(provisioningDir(ctx), `${device.id}.thanthien.json`);
  writeFileSync(file, `${JSON.stringify(provisioning, null, 2)}\n`, { mode: 0o600 });
  const place = device.desk ? `desk ${device.desk}` : `zone ${device.zone}`;
  console.log(both(message, { id: device.id, kind: device.kind, place }));
  console.log(both('device.secretOnce', { file }));
  console.log(`\n  id:     ${device.id}\n  secret: ${secret}\n  mqtt:   ${provisioning.mqtt_url}\n`);
  console.log(both('device.scanQr'));
  console.log(await QRCode.toString(JSON.stringify(provisioning), { type: 'terminal', small: true }));
}

/** TT_DATA_DIR/provisioning: the files that hold device secrets, for the hub's user only. */
function provisioningDir(ctx: AdminContext): string {
  const dir = join(ctx.settings.dataDir, 'provisioning');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function list(ctx: AdminContext, json: boolean): void {
  const devices = ctx.devices.list();
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
    d.lastSeenAt ? siteTime(ctx.config, d.lastSeenAt) : '—',
  ]);
  const header = ['id', 'kind', 'desk/zone', 'state', `last seen (${ctx.config.site.timezone})`];
  printTable(header, rows);
}
