import { PROTOCOL_VERSION } from '../../../protocol/index.ts';
import type { DeviceRecord } from './registry.ts';

/** What a board is set up with: its file `<id>.thanthien.json`, or the QR code of it (docs/operations.md). */
export type Provisioning = {
  id: string;
  secret: string;
  kind: DeviceRecord['kind'];
  site: string;
  desk?: string;
  zone?: string;
  mqtt_url: string;
  scale?: number;
  protocol: string;
};

export function provisioningOf(
  device: DeviceRecord,
  secret: string,
  site: { code: string; mqttUrl: string; scale: number },
): Provisioning {
  return {
    id: device.id,
    secret,
    kind: device.kind,
    site: site.code,
    desk: device.desk ?? undefined,
    zone: device.zone ?? undefined,
    mqtt_url: site.mqttUrl,
    // A rating box has as many buttons as the site's scale.
    scale: device.kind === 'rating-button' ? site.scale : undefined,
    protocol: PROTOCOL_VERSION,
  };
}
