import { classifyRating, type DeviceEvent, type Telemetry } from '../../../protocol/index.ts';
import type { DeviceRecord } from '../devices/index.ts';

/** One InfluxDB point as it waits in the outbox (docs/influxdb.md). Integers are marked by the writer. */
export type Point = {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string>;
  timeMs: number;
};

export type Attribution = { site: string; officer: string | null; misuse?: readonly string[] };

/** The point an accepted event becomes; the same event always gives the same point. */
export function eventPoint(event: DeviceEvent, device: DeviceRecord, at: Attribution, timeMs: number): Point {
  const desk = device.desk ?? 'none';
  const officer = at.officer ?? 'none';
  switch (event.type) {
    case 'rating': {
      const { score, scale, seq, boot } = event.body;
      const { satisfied, unsatisfied } = classifyRating(event.body);
      return {
        measurement: 'rating',
        tags: {
          site: at.site,
          desk,
          device: device.id,
          officer,
          misuse: String((at.misuse?.length ?? 0) > 0),
        },
        fields: {
          score,
          scale,
          satisfied: Number(satisfied),
          unsatisfied: Number(unsatisfied),
          seq,
          boot,
          misuse_reason: at.misuse?.join(',') ?? '',
        },
        timeMs,
      };
    }
    case 'rating-reason':
      return {
        measurement: 'rating_reason',
        tags: { site: at.site, desk, device: device.id, officer, reason: event.body.reason },
        fields: { ref: event.body.ref },
        timeMs,
      };
    case 'presence':
      return {
        measurement: 'presence',
        tags: { site: at.site, desk, device: device.id },
        fields: { present: Number(event.body.present) },
        timeMs,
      };
  }
}

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
