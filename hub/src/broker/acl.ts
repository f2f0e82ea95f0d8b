import { devicePrefix, deviceTopic, hubEventsPrefix, hubStateTopic } from '../../../protocol/index.ts';
import type { ClientKind } from '../devices/index.ts';

// The ACL of docs/protocol.md: a device publishes only under its own dev/{id}/ (and never on its cmd,
// which is hub → device) and subscribes only to its own cmd — and to hub/state, which the hub
// publishes for all. An integration client reads the hub's events and hub/state, and publishes
// nothing. Pure, so it is tested on its own.

export function publishRefusal(
  site: string,
  device: string,
  topic: string,
  kind: ClientKind = 'device',
): string | undefined {
  if (kind === 'integration')
    return `"${device}" is an integration client: it may only read the hub's events`;
  const own = devicePrefix(site, device);
  if (!topic.startsWith(own)) return `"${device}" may publish only under ${own}`;
  if (topic === deviceTopic(site, device, { family: 'cmd' }))
    return 'devices may not publish on cmd (hub → device)';
  return undefined;
}

export function subscribeRefusal(
  site: string,
  device: string,
  filter: string,
  qos: number,
  kind: ClientKind = 'device',
): string | undefined {
  if (kind === 'integration') {
    const events = hubEventsPrefix(site);
    // Under hub/events/ any filter goes (`#`, `+`, one type); nothing above it may match.
    if (filter !== hubStateTopic(site) && !filter.startsWith(events))
      return `"${device}" may subscribe only to ${events}# and ${hubStateTopic(site)}`;
  } else {
    const own = deviceTopic(site, device, { family: 'cmd' });
    if (filter !== own && filter !== hubStateTopic(site)) {
      return `"${device}" may subscribe only to ${own} and ${hubStateTopic(site)}`;
    }
  }
  if (qos > 1) return 'QoS 2 is not used by protocol v1; subscribe with QoS 0 or 1';
  return undefined;
}
