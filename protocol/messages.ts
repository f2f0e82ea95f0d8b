import { z } from 'zod';
import { fail, ok, type Result } from './result.ts';
import type { DeviceTopic, EventType } from './topics.ts';

// Payload schemas of protocol v1 (docs/protocol.md). Unknown fields are ignored (zod strips them);
// a missing or ill-typed required field rejects the message with a reason.

export const DEVICE_KINDS = ['rating-button', 'presence-sensor', 'speaker'] as const;
export const DeviceKind = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** ISO-8601 with an offset and milliseconds, e.g. 2026-11-22T08:15:30.123+07:00. */
export const Timestamp = z.iso.datetime({ offset: true, precision: 3 });
/** Random id chosen at each start of the device program. */
export const BootId = z.string().regex(/^[a-z0-9]{4,32}$/, 'must be 4–32 characters a–z, 0–9');
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A speaker says whether its clock is synchronised, and how far off it is (NTP's estimate). */
function clockState() {
  return {
    clock_synced: z.boolean().optional(),
    clock_offset_ms: z.number().int().optional(),
  };
}

export const Birth = z.object({
  online: z.literal(true),
  kind: DeviceKind,
  fw: z.string().min(1).max(32),
  boot: BootId,
  ts: Timestamp.optional(),
  ...clockState(),
});
export const Will = z.object({ online: z.literal(false), boot: BootId });
export const DeviceState = z.discriminatedUnion('online', [Birth, Will]);
export type Birth = z.infer<typeof Birth>;
export type Will = z.infer<typeof Will>;
export type DeviceState = z.infer<typeof DeviceState>;

const eventIdentity = { boot: BootId, seq: Seq, ts: Timestamp.optional() };

export const RatingScale = z.union([z.literal(3), z.literal(4), z.literal(5)]);
export type RatingScale = z.infer<typeof RatingScale>;
export const RatingEvent = z
  .object({ ...eventIdentity, score: z.number().int().min(1).max(5), scale: RatingScale })
  .refine((r) => r.score <= r.scale, { path: ['score'], message: 'must be between 1 and scale' });

export const RATING_REASONS = ['attitude', 'waiting', 'paperwork', 'trips', 'other'] as const;
export const RatingReasonEvent = z.object({ ...eventIdentity, ref: Seq, reason: z.enum(RATING_REASONS) });

export const PresenceEvent = z.object({ ...eventIdentity, present: z.boolean() });

export type RatingEvent = z.infer<typeof RatingEvent>;
export type RatingReasonEvent = z.infer<typeof RatingReasonEvent>;
export type PresenceEvent = z.infer<typeof PresenceEvent>;
export type DeviceEvent =
  | { type: 'rating'; body: RatingEvent }
  | { type: 'rating-reason'; body: RatingReasonEvent }
  | { type: 'presence'; body: PresenceEvent };

const eventSchemas = {
  rating: RatingEvent,
  'rating-reason': RatingReasonEvent,
  presence: PresenceEvent,
} as const satisfies Record<EventType, z.ZodType>;

export const Telemetry = z.object({
  ts: Timestamp.optional(),
  uptime_s: z.number().int().min(0),
  battery_mv: z.number().int().min(0).max(100_000).optional(),
  rssi_dbm: z.number().int().min(-150).max(0).optional(),
  queue_len: z.number().int().min(0).optional(),
  volume: z.number().int().min(0).max(100).optional(),
  audio: z.string().max(32).optional(),
  /** A speaker's audio cache on its storage. */
  cache_mb: z.number().min(0).optional(),
  ...clockState(),
});
export type Telemetry = z.infer<typeof Telemetry>;

export const PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const Asset = z.object({
  url: z.url(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  bytes: z.number().int().positive(),
  duration_s: z.number().positive(),
});
export type Asset = z.infer<typeof Asset>;

/** A live stream a speaker relays for a set time instead of a downloaded asset. */
export const Stream = z.object({
  url: z.url({ protocol: /^https?$/ }),
  duration_s: z.number().positive(),
});
export type Stream = z.infer<typeof Stream>;

const CommandId = z.string().min(1).max(64);
const Volume = z.number().int().min(0).max(100);
const Play = z
  .object({
    id: CommandId,
    type: z.literal('play'),
    program: z.string().min(1).max(64),
    asset: Asset.optional(),
    stream: Stream.optional(),
    start_at: Timestamp,
    /** Stop here if still playing (the end of the slot); without it, play to the end of the content. */
    end_at: Timestamp.optional(),
    offset_s: z.number().min(0).default(0),
    volume: Volume,
    priority: Priority,
  })
  .refine((play) => (play.asset === undefined) !== (play.stream === undefined), {
    error: 'must carry either asset or stream',
    path: ['asset'],
  });
export const Command = z.discriminatedUnion('type', [
  z.object({ id: CommandId, type: z.literal('prepare'), asset: Asset }),
  Play,
  z.object({
    id: CommandId,
    type: z.literal('stop'),
    /** Only that `play` command, before or during it. */
    play: CommandId.optional(),
    /** Only that program. */
    program: z.string().min(1).max(64).optional(),
  }),
  z.object({ id: CommandId, type: z.literal('volume'), volume: Volume }),
  z.object({ id: CommandId, type: z.literal('ping') }),
  z.object({ id: CommandId, type: z.literal('rebirth') }),
]);
export type Command = z.infer<typeof Command>;

export const ACK_STATUSES = [
  'received',
  'ready',
  'playing',
  'done',
  'stopped',
  'failed',
  'rejected',
] as const;
export const Ack = z.object({
  id: CommandId,
  status: z.enum(ACK_STATUSES),
  ts: Timestamp.optional(),
  started_at: Timestamp.optional(),
  error: z.string().max(200).optional(),
});
export type Ack = z.infer<typeof Ack>;

export type DeviceMessage =
  | { family: 'state'; body: DeviceState }
  | { family: 'evt'; event: DeviceEvent }
  | { family: 'telemetry'; body: Telemetry }
  | { family: 'cmd'; body: Command }
  | { family: 'ack'; body: Ack };

/**
 * Parse the payload that arrived on a device topic into a typed message.
 *
 * @example parseDeviceMessage({ family: 'evt', event: 'presence' }, Buffer.from('{"boot":"k3j9x2","seq":4,"present":true}'))
 */
export function parseDeviceMessage(topic: DeviceTopic, payload: Uint8Array): Result<DeviceMessage> {
  const json = parseJson(payload);
  if (!json.ok) return json;
  switch (topic.family) {
    case 'state':
      return validate(DeviceState, json.value, (body) => ({ family: 'state', body }));
    case 'evt':
      return validate(eventSchemas[topic.event], json.value, (body) => ({
        family: 'evt',
        event: { type: topic.event, body } as DeviceEvent,
      }));
    case 'telemetry':
      return validate(Telemetry, json.value, (body) => ({ family: 'telemetry', body }));
    case 'cmd':
      return validate(Command, json.value, (body) => ({ family: 'cmd', body }));
    case 'ack':
      return validate(Ack, json.value, (body) => ({ family: 'ack', body }));
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(payload: Uint8Array): Result<unknown> {
  if (payload.byteLength === 0) return fail('payload is empty; expected a JSON object');
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return fail('payload is not valid UTF-8');
  }
  try {
    return ok(JSON.parse(text));
  } catch (err) {
    return fail(`payload is not valid JSON: ${(err as Error).message}`);
  }
}

function validate<S extends z.ZodType, M>(
  schema: S,
  input: unknown,
  wrap: (body: z.infer<S>) => M,
): Result<M> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(wrap(parsed.data));
  return fail(describeIssues(parsed.error));
}

/** "score: must be between 1 and scale; boot: required" — the field first, then what is wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : 'payload';
      const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
      return `${field}: ${missing ? 'required' : issue.message}`;
    })
    .join('; ');
}

/** Encode a message the way devices and the hub put it on the wire. */
export function encode(body: object): Buffer {
  return Buffer.from(JSON.stringify(body), 'utf8');
}
