import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// mqtt-packet's `debug` loggers do nothing while off, and DEBUG still turns them on at start.

/** Parse one PINGREQ with mqtt-packet as the hub loads it, in a process of its own; its stderr. */
function parseWithHubDebug(debug: string | undefined): { stderr: string; quiet: unknown } {
  const script = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(resolve('hub/src/broker/index.ts'))});
    const aedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
    const packet = createRequire(aedes.resolve('mqtt-packet'));
    const { parser, generate } = packet('mqtt-packet');
    // Turned on only now: the loggers the parser holds were made quiet when it loaded.
    if (!process.env.DEBUG) packet('debug').enable('mqtt-packet:*');
    parser().parse(generate({ cmd: 'pingreq' }));
    console.log(JSON.stringify(packet('debug').quietWhenOff ?? null));
  `;
  const env = { ...process.env, DEBUG: debug ?? '' };
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
    cwd: resolve('.'),
  });
  expect(child.status, child.stderr).toBe(0);
  return { stderr: child.stderr, quiet: JSON.parse(child.stdout) };
}

describe("mqtt-packet's debug in the hub", () => {
  it('is quiet while DEBUG did not name it at start', () => {
    expect(parseWithHubDebug(undefined)).toEqual({ stderr: '', quiet: true });
  });

  it('traces every packet when DEBUG names it at start', () => {
    expect(parseWithHubDebug('mqtt-packet:parser').stderr).toMatch(/mqtt-packet:parser parse: current state/);
  });
});
