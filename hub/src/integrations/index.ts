export { EventStream, type EventStreamDeps } from './event-stream.ts';
export { type IntegrationRecord, IntegrationRegistry } from './registry.ts';
