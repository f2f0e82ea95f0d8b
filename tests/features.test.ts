import { describe, expect, it } from 'vitest';
import { type Feature, startFeatures } from '../hub/src/features.ts';
import { createLogger } from '../hub/src/log.ts';

// The composition root starts features in order and stops them in reverse; a start that fails
// stops what had started, so a hub never runs half started.

const log = createLogger('silent');
const recorder = () => {
  const calls: string[] = [];
  const feature = (name: string, fail?: 'start' | 'stop'): Feature => ({
    name,
    start: async () => {
      calls.push(`start ${name}`);
      if (fail === 'start') throw new Error(`${name} cannot start`);
    },
    stop: () => {
      calls.push(`stop ${name}`);
      if (fail === 'stop') throw new Error(`${name} cannot stop`);
    },
  });
  return { calls, feature };
};

describe('startFeatures', () => {
  it('starts in order and stops in reverse, once', async () => {
    const { calls, feature } = recorder();
    const stop = await startFeatures([feature('store'), feature('broker'), feature('http')], log);
    await stop();
    await stop();
    expect(calls).toEqual([
      'start store',
      'start broker',
      'start http',
      'stop http',
      'stop broker',
      'stop store',
    ]);
  });

  it('stops what had started, in reverse, when a start fails, and throws its error', async () => {
    const { calls, feature } = recorder();
    await expect(
      startFeatures([feature('store'), feature('broker'), feature('http', 'start')], log),
    ).rejects.toThrow('http cannot start');
    expect(calls).toEqual(['start store', 'start broker', 'start http', 'stop broker', 'stop store']);
  });

  it('stops the others when one fails to stop', async () => {
    const { calls, feature } = recorder();
    const stop = await startFeatures([feature('store'), feature('broker', 'stop'), feature('http')], log);
    await stop();
    expect(calls.slice(3)).toEqual(['stop http', 'stop broker', 'stop store']);
  });
});
