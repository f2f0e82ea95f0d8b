import type { MessageKey } from './vi.ts';

export const en = {
  'device.added': 'Device {id} added ({kind}, {place}).',
  'device.rotated': 'New secret issued for {id}; the old one stopped working at once.',
  'device.revoked': 'Device {id} revoked; it was disconnected and cannot connect again.',
  'device.secretOnce': 'The device secret is shown ONCE. Provisioning file: {file}',
  'device.scanQr': 'Scan the QR code to load the configuration into the board:',
  'device.none': 'No devices yet. Add one with: thanthien device add <id> --kind <kind> --desk <desk>',
  'user.added': 'User {name} added with role {role}.',
  'user.passwordOnce': 'Password (shown once): {password}',
  'simulate.progress':
    'Simulating: {online}/{devices} devices online, {events} events sent, {acked} acknowledged, {left} s left',
  'simulate.done': 'Done: {events} events, {acked} acknowledged by the hub.',
  'hub.started': 'Hub running: MQTT port {mqtt}, HTTP port {http}.',
  'error.prefix': 'Error',
  usage: 'Usage',
} as const satisfies Record<MessageKey, string>;
