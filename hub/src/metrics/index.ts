export { EventLoopDelay } from './event-loop.ts';
export { HubMetrics } from './hub-metrics.ts';
