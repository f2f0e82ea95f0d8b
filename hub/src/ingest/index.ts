export { Ingest, type IngestDeps } from './ingest.ts';
export { Outbox } from './outbox.ts';
export type { Point } from './points.ts';
export { type Rejection, Rejections } from './rejections.ts';
