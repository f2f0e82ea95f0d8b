import type { Logger } from 'pino';

/**
 * A part of the hub with a life: the composition root starts features in order and stops them in
 * reverse. A feature's constructor does nothing; `start` is where it listens, registers and arms.
 */
export type Feature = {
  name: string;
  start: () => void | Promise<void>;
  stop: () => void | Promise<void>;
};

/**
 * Start `features` in order. If one fails, those already started are stopped in reverse and the
 * error is thrown, so a hub never runs half started. Resolves to the function that stops them all.
 */
export async function startFeatures(features: readonly Feature[], log: Logger): Promise<() => Promise<void>> {
  const started: Feature[] = [];
  const stopAll = async () => {
    for (const feature of started.splice(0).reverse()) {
      try {
        await feature.stop();
      } catch (err) {
        log.error({ err, feature: feature.name }, 'feature failed to stop');
      }
    }
  };
  for (const feature of features) {
    try {
      await feature.start();
    } catch (err) {
      await stopAll();
      throw err;
    }
    started.push(feature);
  }
  return stopAll;
}
