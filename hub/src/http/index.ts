export type { Health } from './health.ts';
export { buildHttp, type HealthSource, type HttpDeps } from './server.ts';
