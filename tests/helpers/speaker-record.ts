import type { DeviceRecord } from '../../hub/src/devices/index.ts';

/** A speaker of `zone` as the registry gives it, online since before any airing: the on-air engine's input. */
export function onlineSpeaker(id: string, zone: string): DeviceRecord {
  return {
    id,
    kind: 'speaker',
    desk: null,
    zone,
    generation: 1,
    revokedAt: null,
    createdAt: '2026-11-01T00:00:00.000Z',
    online: true,
    boot: 'b00t',
    fw: '1.0.0',
    lastSeenAt: null,
    stateChangedAt: null,
    telemetry: null,
    telemetryAt: null,
  };
}
