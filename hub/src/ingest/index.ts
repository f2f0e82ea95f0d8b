export { Ingest, type IngestDeps } from './ingest.ts';
export { Outbox } from './outbox.ts';
export type { Point } from './points.ts';
export { type Rejection, Rejections } from './rejections.ts';
export { type Accepted, IngestSteps, type StepMessages } from './steps.ts';
