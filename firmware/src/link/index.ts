export { DeviceLink, type DeviceLinkEvents, type DeviceLinkOptions, isoWithOffset } from './device-link.ts';
export { type EventQueue, FileQueue, MemoryQueue, type QueuedEvent } from './event-queue.ts';
