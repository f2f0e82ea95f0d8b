import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOf } from '../hub/src/devices/index.ts';
import { deviceTopic } from '../protocol/index.ts';
import { startTestHub, type TestHub } from './helpers/hub.ts';
import { mosquitto } from './helpers/mosquitto.ts';

// MQTT over TLS when certificates are configured (docs/operations.md), with Debian's mosquitto_pub.

let hub: TestHub;
let dir: string;
let secret: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tt-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  hub = await startTestHub({
    TT_MQTT_TLS_CERT: join(dir, 'cert.pem'),
    TT_MQTT_TLS_KEY: join(dir, 'key.pem'),
    TT_MQTT_TLS_PORT: '0',
  });
  const placement = placementOf(hub.config);
  secret = (
    await hub.devices.add({ id: 'btn-tls', kind: 'rating-button', desk: placement.desks[0]! }, placement)
  ).secret;
});

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MQTT over TLS', () => {
  it('accepts a device that verifies the hub certificate, and stores its event', async () => {
    const run = await mosquitto('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(hub.mqttTlsPort),
      '--cafile',
      join(dir, 'cert.pem'),
      '-V',
      'mqttv311',
      '-i',
      'btn-tls',
      '-u',
      'btn-tls',
      '-P',
      secret,
      '-q',
      '1',
      '-t',
      deviceTopic(hub.config.site.code, 'btn-tls', { family: 'evt', event: 'rating' }),
      '-m',
      JSON.stringify({ boot: 'tlsboot1', seq: 0, score: 2, scale: 4 }),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(hub.store.prepare("SELECT COUNT(*) AS n FROM events WHERE device = 'btn-tls'").get()).toEqual({
      n: 1,
    });
  });
});
