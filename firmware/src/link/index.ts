export {
  DeviceLink,
  type DeviceLinkEvents,
  type DeviceLinkOptions,
  type EventIdentity,
  isoWithOffset,
  LINK_ERRORS,
  LinkError,
  type LinkErrorCode,
  type LinkLogger,
} from './device-link.ts';
export {
  type EventQueue,
  FileQueue,
  type FileQueueOptions,
  MemoryQueue,
  type QueuedEvent,
} from './event-queue.ts';
