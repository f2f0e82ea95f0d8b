import type { Telemetry } from '../../../protocol/index.ts';
import type { DeviceRecord } from '../devices/index.ts';

/** One InfluxDB point as it waits in the outbox (docs/influxdb.md); `toLine` writes it as line protocol. */
export type Point = {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string>;
  timeMs: number;
};

export function devicePoint(
  site: string,
  device: DeviceRecord,
  fields: Partial<Pick<Telemetry, 'uptime_s' | 'battery_mv' | 'rssi_dbm' | 'queue_len'>> & {
    online?: number;
  },
  timeMs: number,
): Point {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
    string,
    number
  >;
  return {
    measurement: 'device',
    tags: { site, device: device.id, kind: device.kind },
    fields: defined,
    timeMs,
  };
}
