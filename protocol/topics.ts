import { fail, ok, type Result } from './result.ts';

/** The version is part of the topic; a breaking change is v2 (docs/protocol.md). */
export const PROTOCOL_VERSION = 'v1';
export const TOPIC_ROOT = 'thanthien';

export const SITE_PATTERN = /^[a-z0-9-]{2,32}$/;
export const DEVICE_ID_PATTERN = /^[a-z0-9-]{3,40}$/;

export const EVENT_TYPES = ['rating', 'rating-reason', 'presence'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The topic families under `…/dev/{id}/`; `evt` carries an event type as its last level. */
export type DeviceTopic =
  | { family: 'state' }
  | { family: 'evt'; event: EventType }
  | { family: 'telemetry' }
  | { family: 'cmd' }
  | { family: 'ack' };

export type ParsedDeviceTopic = { site: string; device: string } & DeviceTopic;

export function siteRoot(site: string): string {
  return `${TOPIC_ROOT}/${PROTOCOL_VERSION}/${site}`;
}

export function devicePrefix(site: string, device: string): string {
  return `${siteRoot(site)}/dev/${device}/`;
}

export function deviceTopic(site: string, device: string, topic: DeviceTopic): string {
  const tail = topic.family === 'evt' ? `evt/${topic.event}` : topic.family;
  return devicePrefix(site, device) + tail;
}

export function hubStateTopic(site: string): string {
  return `${siteRoot(site)}/hub/state`;
}

/** The hub's domain events for integrators: `…/hub/events/{type}` (docs/protocol.md). */
export const HUB_EVENT_TYPES = [
  'rating',
  'rating-reason',
  'presence',
  'device',
  'alert',
  'broadcast',
] as const;
export type HubEventType = (typeof HUB_EVENT_TYPES)[number];

export function hubEventsPrefix(site: string): string {
  return `${siteRoot(site)}/hub/events/`;
}

export function hubEventTopic(site: string, type: HubEventType): string {
  return hubEventsPrefix(site) + type;
}

const isEventType = (s: string): s is EventType => (EVENT_TYPES as readonly string[]).includes(s);

/**
 * Parse a device topic of protocol v1.
 *
 * @example parseDeviceTopic('thanthien/v1/xa-tan-lap/dev/btn-01/evt/rating')
 * // → { ok: true, value: { site: 'xa-tan-lap', device: 'btn-01', family: 'evt', event: 'rating' } }
 */
export function parseDeviceTopic(topic: string): Result<ParsedDeviceTopic> {
  const levels = topic.split('/');
  const [root, version, site, dev, device, family, event, ...extra] = levels;
  if (root !== TOPIC_ROOT) return fail(`topic must start with "${TOPIC_ROOT}/", got "${clip(topic)}"`);
  if (version !== PROTOCOL_VERSION) {
    return fail(
      `protocol version "${clip(version ?? '')}" is not supported; this hub speaks ${PROTOCOL_VERSION}`,
    );
  }
  if (site === undefined || !SITE_PATTERN.test(site)) {
    return fail(`site "${clip(site ?? '')}" must match ${SITE_PATTERN.source}`);
  }
  if (dev !== 'dev') return fail(`expected "dev" after the site, got "${clip(dev ?? '')}"`);
  if (device === undefined || !DEVICE_ID_PATTERN.test(device)) {
    return fail(`device id "${clip(device ?? '')}" must match ${DEVICE_ID_PATTERN.source}`);
  }
  const base = { site, device };
  if (family === 'evt') {
    if (event === undefined || !isEventType(event)) {
      return fail(`unknown event type "${clip(event ?? '')}"; expected one of ${EVENT_TYPES.join(', ')}`);
    }
    if (extra.length > 0) return fail(`unexpected levels after evt/${event}`);
    return ok({ ...base, family: 'evt', event });
  }
  if (family === 'state' || family === 'telemetry' || family === 'cmd' || family === 'ack') {
    if (event !== undefined) return fail(`unexpected levels after ${family}`);
    return ok({ ...base, family });
  }
  return fail(`unknown topic family "${clip(family ?? '')}"; expected state, evt/…, telemetry, cmd or ack`);
}

/** Keep hostile input out of log lines at a readable length. */
export function clip(text: string, max = 60): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}
