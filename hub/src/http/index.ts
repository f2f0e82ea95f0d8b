export { BOARD_ROLES } from './desks.ts';
export type { Health } from './health.ts';
export { buildHttp, type HealthSource, type HttpDeps } from './server.ts';
