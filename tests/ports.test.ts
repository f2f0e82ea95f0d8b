import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { bindPorts } from '../hub/src/ports.ts';
import type { Settings } from '../hub/src/settings.ts';

// A start that fails after the ports are bound closes them at once, clients waiting or not.

describe('ports', () => {
  it('closes at once though a client arrived and was never served', async () => {
    const settings = {
      host: '127.0.0.1',
      httpPort: 0,
      mqttPort: 0,
      tls: undefined,
    } as unknown as Settings;
    const ports = await bindPorts(settings, 10_000);
    const device = connect(ports.mqtt.port, '127.0.0.1');
    await new Promise((resolve) => device.once('connect', resolve));
    const closed = new Promise((resolve) => device.once('close', resolve));
    const started = performance.now();
    await ports.close();
    await closed;
    // Without dropping it, close() waited for the client to give up on its own.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
