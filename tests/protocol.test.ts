import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { publishRefusal, subscribeRefusal } from '../hub/src/broker/index.ts';
import { SCHEMA } from '../hub/src/influx/schema.ts';
import {
  ACK_STATUSES,
  Command,
  classifyRating,
  DEVICE_KINDS,
  type DeviceMessage,
  type DeviceTopic,
  devicePrefix,
  deviceTopic,
  EVENT_TYPES,
  encode,
  hubEventsPrefix,
  hubEventTopic,
  hubStateTopic,
  parseDeviceMessage,
  parseDeviceTopic,
  Timestamp,
} from '../protocol/index.ts';

// Protocol v1 (docs/protocol.md): topics and payloads, and docs/protocol.md held to the code.

const SITE = 'xa-tan-lap';
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const reasonOf = (topic: DeviceTopic, payload: unknown) => {
  const parsed = parseDeviceMessage(topic, bytes(payload));
  return parsed.ok ? 'ok' : parsed.reason;
};
const topicReason = (topic: string) => {
  const parsed = parseDeviceTopic(topic);
  return parsed.ok ? 'ok' : parsed.reason;
};

const FAMILIES: DeviceTopic[] = [
  { family: 'state' },
  ...EVENT_TYPES.map((event): DeviceTopic => ({ family: 'evt', event })),
  { family: 'telemetry' },
  { family: 'cmd' },
  { family: 'ack' },
];
const rating: DeviceTopic = { family: 'evt', event: 'rating' };
const asset = {
  url: 'http://thanthien.local:8080/assets/ban-tin-sang.mp3',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  bytes: 2_880_000,
  duration_s: 180,
};

describe('topics', () => {
  it.each(FAMILIES)('builds and parses back %o', (topic) => {
    for (const [site, device] of [
      [SITE, 'btn-quay-1'],
      ['xa', 'abc'], // the shortest ids allowed
      ['x'.repeat(32), 'd'.repeat(40)], // the longest
    ] as const) {
      const built = deviceTopic(site, device, topic);
      expect(built.startsWith(devicePrefix(site, device))).toBe(true);
      expect(parseDeviceTopic(built)).toEqual({ ok: true, value: { site, device, ...topic } });
    }
  });

  it('spells every family as the docs do', () => {
    expect(FAMILIES.map((topic) => deviceTopic(SITE, 'btn-quay-1', topic))).toEqual([
      'thanthien/v1/xa-tan-lap/dev/btn-quay-1/state',
      'thanthien/v1/xa-tan-lap/dev/btn-quay-1/evt/rating',
      'thanthien/v1/xa-tan-lap/dev/btn-quay-1/evt/rating-reason',
      'thanthien/v1/xa-tan-lap/dev/btn-quay-1/evt/presence',
      'thanthien/v1/xa-tan-lap/dev/btn-quay-1/telemetry',
      'thanthien/v1/xa-tan-lap/dev/btn-quay-1/cmd',
      'thanthien/v1/xa-tan-lap/dev/btn-quay-1/ack',
    ]);
    expect(hubStateTopic(SITE)).toBe('thanthien/v1/xa-tan-lap/hub/state');
  });

  it.each([
    [
      'other/v1/xa-tan-lap/dev/btn-1/state',
      'topic must start with "thanthien/", got "other/v1/xa-tan-lap/dev/btn-1/state"',
    ],
    ['/thanthien/v1/xa-tan-lap/dev/btn-1/state', 'topic must start with "thanthien/"'],
    ['', 'topic must start with "thanthien/", got ""'],
    ['thanthien/v2/xa-tan-lap/dev/btn-1/state', 'protocol version "v2" is not supported; this hub speaks v1'],
    ['thanthien', 'protocol version "" is not supported; this hub speaks v1'],
    ['thanthien/v1/X/dev/btn-1/state', 'site "X" must match ^[a-z0-9-]{2,32}$'],
    [`thanthien/v1/${'x'.repeat(33)}/dev/btn-1/state`, `site "${'x'.repeat(33)}" must match`],
    ['thanthien/v1/xa-tan-lap/devices/btn-1/state', 'expected "dev" after the site, got "devices"'],
    ['thanthien/v1/xa-tan-lap/hub/state', 'expected "dev" after the site, got "hub"'],
    ['thanthien/v1/xa-tan-lap/dev/BTN_1/state', 'device id "BTN_1" must match ^[a-z0-9-]{3,40}$'],
    ['thanthien/v1/xa-tan-lap/dev/b1/state', 'device id "b1" must match'],
    [`thanthien/v1/xa-tan-lap/dev/${'d'.repeat(41)}/state`, 'must match ^[a-z0-9-]{3,40}$'],
    [
      'thanthien/v1/xa-tan-lap/dev/btn-1',
      'unknown topic family ""; expected state, evt/…, telemetry, cmd or ack',
    ],
    [
      'thanthien/v1/xa-tan-lap/dev/btn-1/status',
      'unknown topic family "status"; expected state, evt/…, telemetry, cmd or ack',
    ],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/+', 'unknown topic family "+"'],
    [
      'thanthien/v1/xa-tan-lap/dev/btn-1/evt',
      'unknown event type ""; expected one of rating, rating-reason, presence',
    ],
    [
      'thanthien/v1/xa-tan-lap/dev/btn-1/evt/vote',
      'unknown event type "vote"; expected one of rating, rating-reason, presence',
    ],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/evt/Rating', 'unknown event type "Rating"'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/evt/rating/x', 'unexpected levels after evt/rating'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/evt/rating/', 'unexpected levels after evt/rating'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/state/x', 'unexpected levels after state'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/cmd/x/y', 'unexpected levels after cmd'],
  ])('refuses %j, naming the problem', (topic, reason) => {
    expect(topicReason(topic)).toContain(reason);
  });

  it('keeps control characters and length out of reasons', () => {
    const reason = topicReason(`thanthien/v1/xa-tan-lap/dev/btn-1/${'\u0007'.repeat(100)}`);
    expect(reason).toMatch(/"\?{60}…"/);
  });
});

describe('payloads', () => {
  // One valid message of every type; each is sent with fields protocol v1 does not know.
  const valid: [DeviceTopic, Record<string, unknown>, DeviceMessage][] = [
    [
      { family: 'state' },
      { online: true, kind: 'speaker', fw: '1.2.0', boot: '7hd02kqa', ts: '2026-11-23T05:00:01.000+07:00' },
      {
        family: 'state',
        body: {
          online: true,
          kind: 'speaker',
          fw: '1.2.0',
          boot: '7hd02kqa',
          ts: '2026-11-23T05:00:01.000+07:00',
        },
      },
    ],
    [
      { family: 'state' },
      { online: false, boot: 'k3j9x2ab' },
      { family: 'state', body: { online: false, boot: 'k3j9x2ab' } },
    ],
    [
      rating,
      { boot: 'k3j9x2ab', seq: 0, score: 3, scale: 4 },
      { family: 'evt', event: { type: 'rating', body: { boot: 'k3j9x2ab', seq: 0, score: 3, scale: 4 } } },
    ],
    [
      { family: 'evt', event: 'rating-reason' },
      { boot: 'k3j9x2ab', seq: 43, ts: '2026-11-23T09:20:03.870+07:00', ref: 42, reason: 'waiting' },
      {
        family: 'evt',
        event: {
          type: 'rating-reason',
          body: {
            boot: 'k3j9x2ab',
            seq: 43,
            ts: '2026-11-23T09:20:03.870+07:00',
            ref: 42,
            reason: 'waiting',
          },
        },
      },
    ],
    [
      { family: 'evt', event: 'presence' },
      { boot: 'q81mzz0c', seq: 7, present: false },
      { family: 'evt', event: { type: 'presence', body: { boot: 'q81mzz0c', seq: 7, present: false } } },
    ],
    [
      { family: 'telemetry' },
      { uptime_s: 86400, rssi_dbm: -72, volume: 70, audio: 'idle', battery_mv: 3910, queue_len: 0 },
      {
        family: 'telemetry',
        body: { uptime_s: 86400, rssi_dbm: -72, volume: 70, audio: 'idle', battery_mv: 3910, queue_len: 0 },
      },
    ],
    [
      { family: 'cmd' },
      { id: 'c-0192', type: 'prepare', asset: { ...asset, codec: 'mp3' } },
      { family: 'cmd', body: { id: 'c-0192', type: 'prepare', asset } },
    ],
    [
      { family: 'cmd' },
      {
        id: 'c-0193',
        type: 'play',
        program: 'ban-tin-sang',
        asset,
        start_at: '2026-11-23T06:00:00.000+07:00',
        volume: 80,
        priority: 'normal',
      },
      {
        family: 'cmd',
        body: {
          id: 'c-0193',
          type: 'play',
          program: 'ban-tin-sang',
          asset,
          start_at: '2026-11-23T06:00:00.000+07:00',
          offset_s: 0, // the default: from the beginning
          volume: 80,
          priority: 'normal',
        },
      },
    ],
    [
      { family: 'cmd' },
      { id: 'c-0194', type: 'stop' },
      { family: 'cmd', body: { id: 'c-0194', type: 'stop' } },
    ],
    [
      { family: 'cmd' },
      { id: 'c-0195', type: 'volume', volume: 0 },
      { family: 'cmd', body: { id: 'c-0195', type: 'volume', volume: 0 } },
    ],
    [
      { family: 'cmd' },
      { id: 'c-0196', type: 'ping' },
      { family: 'cmd', body: { id: 'c-0196', type: 'ping' } },
    ],
    [
      { family: 'cmd' },
      { id: 'c-0197', type: 'rebirth' },
      { family: 'cmd', body: { id: 'c-0197', type: 'rebirth' } },
    ],
    [
      { family: 'ack' },
      { id: 'c-0193', status: 'playing', started_at: '2026-11-23T06:00:00.018+07:00' },
      {
        family: 'ack',
        body: { id: 'c-0193', status: 'playing', started_at: '2026-11-23T06:00:00.018+07:00' },
      },
    ],
  ];

  it.each(valid)('%o accepts %j and drops unknown fields', (topic, body, expected) => {
    expect(parseDeviceMessage(topic, encode({ ...body, colour: 'red', nested: { a: 1 } }))).toEqual({
      ok: true,
      value: expected,
    });
  });

  it('accepts every score from 1 to the scale on every scale', () => {
    for (const scale of [3, 4, 5]) {
      for (let score = 1; score <= scale; score++) {
        expect(reasonOf(rating, { boot: 'k3j9x2ab', seq: score, score, scale })).toBe('ok');
      }
    }
  });

  it.each([
    // missing required fields
    [rating, { seq: 1, score: 3, scale: 4 }, 'boot: required'],
    [rating, { boot: 'k3j9x2ab', score: 3, scale: 4 }, 'seq: required'],
    [rating, { boot: 'k3j9x2ab', seq: 1, scale: 4 }, 'score: required'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 3 }, 'scale: Invalid input'],
    [rating, {}, 'boot: required; seq: required; score: required'],
    [{ family: 'state' }, { online: false }, 'boot: required'],
    [{ family: 'state' }, { online: true, kind: 'speaker', boot: 'k3j9x2ab' }, 'fw: required'],
    [
      { family: 'state' },
      { kind: 'speaker', fw: '1.0.0', boot: 'k3j9x2ab' },
      'online: Invalid discriminator value',
    ],
    [
      { family: 'evt', event: 'rating-reason' },
      { boot: 'k3j9x2ab', seq: 2, reason: 'other' },
      'ref: required',
    ],
    [{ family: 'evt', event: 'presence' }, { boot: 'q81mzz0c', seq: 2 }, 'present: required'],
    [{ family: 'telemetry' }, { battery_mv: 3910 }, 'uptime_s: required'],
    [{ family: 'cmd' }, { type: 'ping' }, 'id: required'],
    [{ family: 'cmd' }, { id: 'c1', type: 'play', program: 'x' }, 'start_at: required'],
    [
      { family: 'cmd' },
      { id: 'c1', type: 'prepare', asset: { ...asset, sha256: undefined } },
      'asset.sha256: required',
    ],
    [
      { family: 'cmd' },
      {
        id: 'c1',
        type: 'play',
        program: 'x',
        start_at: '2026-11-23T06:00:00.000+07:00',
        volume: 80,
        priority: 'normal',
      },
      'asset: must carry either asset or stream',
    ],
    [{ family: 'cmd' }, { id: 'c1', type: 'volume' }, 'volume: required'],
    [{ family: 'ack' }, { status: 'done' }, 'id: required'],
    [{ family: 'ack' }, { id: 'c1' }, 'status: Invalid option'],
    // ill-typed or out of range
    [
      rating,
      { boot: 'k3j9x2ab', seq: '1', score: 3, scale: 4 },
      'seq: Invalid input: expected number, received string',
    ],
    [rating, { boot: 'k3j9x2ab', seq: -1, score: 3, scale: 4 }, 'seq: Too small'],
    [rating, { boot: 'k3j9x2ab', seq: 1.5, score: 3, scale: 4 }, 'seq: Invalid input: expected int'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 5, scale: 4 }, 'score: must be between 1 and scale'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 4, scale: 3 }, 'score: must be between 1 and scale'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 6, scale: 5 }, 'score: Too big'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 0, scale: 4 }, 'score: Too small'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 2.5, scale: 4 }, 'score: Invalid input: expected int'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 2, scale: 6 }, 'scale: Invalid input'],
    [rating, { boot: 'k3j9x2ab', seq: 1, score: 2, scale: '4' }, 'scale: Invalid input'],
    [rating, { boot: 'K3!', seq: 1, score: 2, scale: 4 }, 'boot: must be 4–32 characters a–z, 0–9'],
    [rating, { boot: 'abc', seq: 1, score: 2, scale: 4 }, 'boot: must be 4–32 characters a–z, 0–9'],
    [
      rating,
      { boot: 'k3j9x2ab', seq: 1, score: 2, scale: 4, ts: null },
      'ts: Invalid input: expected string, received null',
    ],
    [
      { family: 'state' },
      { online: true, kind: 'toaster', fw: '1', boot: 'k3j9x2ab' },
      'kind: Invalid option',
    ],
    [
      { family: 'evt', event: 'rating-reason' },
      { boot: 'k3j9x2ab', seq: 2, ref: 1, reason: 'rude' },
      'reason: Invalid option',
    ],
    [
      { family: 'evt', event: 'presence' },
      { boot: 'q81mzz0c', seq: 2, present: 1 },
      'present: Invalid input: expected boolean',
    ],
    [{ family: 'telemetry' }, { uptime_s: 5, rssi_dbm: 5 }, 'rssi_dbm: Too big'],
    [{ family: 'cmd' }, { id: 'c1', type: 'dance' }, 'type: Invalid discriminator value'],
    [{ family: 'cmd' }, { id: '', type: 'ping' }, 'id: Too small'],
    [
      { family: 'cmd' },
      { id: 'c1', type: 'volume', volume: 101 },
      'volume: Too big: expected number to be <=100',
    ],
    [
      { family: 'cmd' },
      { id: 'c1', type: 'prepare', asset: { ...asset, sha256: 'AB' } },
      'asset.sha256: must be 64 lowercase hex digits',
    ],
    [
      { family: 'cmd' },
      { id: 'c1', type: 'prepare', asset: { ...asset, url: 'ban-tin.mp3' } },
      'asset.url: Invalid URL',
    ],
    [
      { family: 'cmd' },
      {
        id: 'c1',
        type: 'play',
        program: 'p',
        asset,
        start_at: '2026-11-23T06:00:00.000+07:00',
        volume: 80,
        priority: 'urgent',
      },
      'priority: Invalid option',
    ],
    [{ family: 'ack' }, { id: 'c1', status: 'finished' }, 'status: Invalid option'],
    [
      { family: 'ack' },
      { id: 'c1', status: 'playing', started_at: 'now' },
      'started_at: Invalid ISO datetime',
    ],
    [{ family: 'ack' }, { id: 'c1', status: 'failed', error: 'x'.repeat(201) }, 'error: Too big'],
  ] as [DeviceTopic, unknown, string][])('%o refuses %j, naming the field', (topic, payload, reason) => {
    const got = reasonOf(topic, payload);
    expect(got).toContain(reason);
    expect(got.startsWith(`${reason.split(':')[0]}:`)).toBe(true);
  });

  it('names at most three problems', () => {
    expect(reasonOf({ family: 'cmd' }, { id: 1, type: 'play' }).split('; ')).toHaveLength(3);
  });

  it.each([
    ['2026-11-23T09:12:45.123+07:00', 'ok'],
    ['2026-11-23T09:12:45.123-03:30', 'ok'],
    ['2026-11-23T02:12:45.123Z', 'ok'],
    ['2026-11-23T09:12:45.123', 'ts: Invalid ISO datetime'], // no offset
    ['2026-11-23T09:12:45+07:00', 'ts: Invalid ISO datetime'], // no milliseconds
    ['2026-11-23T09:12:45.12+07:00', 'ts: Invalid ISO datetime'],
    ['2026-11-23T09:12:45.1234+07:00', 'ts: Invalid ISO datetime'],
    ['2026-11-23T09:12:45.123+0700', 'ts: Invalid ISO datetime'], // the offset takes a colon
    ['2026-11-23 09:12:45.123+07:00', 'ts: Invalid ISO datetime'],
    ['2026-02-30T09:12:45.123+07:00', 'ts: Invalid ISO datetime'], // no such day
    ['1763864000000', 'ts: Invalid ISO datetime'],
  ])('ts %s → %s', (ts, reason) => {
    expect(reasonOf(rating, { boot: 'k3j9x2ab', seq: 1, score: 2, scale: 4, ts })).toBe(reason);
  });

  it('names what is wrong with bytes that are not a JSON object', () => {
    expect(parseDeviceMessage(rating, new Uint8Array())).toEqual({
      ok: false,
      reason: 'payload is empty; expected a JSON object',
    });
    for (const notUtf8 of [
      [0xc3, 0x28],
      [0xff, 0xfe, 0x7b, 0x7d],
      [0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d], // a lone surrogate
    ]) {
      expect(parseDeviceMessage(rating, Buffer.from(notUtf8))).toEqual({
        ok: false,
        reason: 'payload is not valid UTF-8',
      });
    }
    expect(reasonOf(rating, '{"boot":')).toMatch(/^payload is not valid JSON: /);
    expect(reasonOf(rating, 'score=3')).toMatch(/^payload is not valid JSON: /);
    expect(reasonOf(rating, '[3,4]')).toBe('payload: Invalid input: expected object, received array');
    expect(reasonOf(rating, 'null')).toBe('payload: Invalid input: expected object, received null');
    expect(reasonOf(rating, '3')).toBe('payload: Invalid input: expected object, received number');
  });

  it('reads Vietnamese text in UTF-8 and a leading byte-order mark', () => {
    const ack = { id: 'c-0185', status: 'failed', error: 'Không tải được tệp âm thanh' };
    expect(parseDeviceMessage({ family: 'ack' }, encode(ack))).toEqual({
      ok: true,
      value: { family: 'ack', body: ack },
    });
    expect(reasonOf(rating, '\ufeff{"boot":"k3j9x2ab","seq":1,"score":2,"scale":4}')).toBe('ok');
  });
});

/** "birth:speaker", "evt:rating", "cmd:play", "ack:done" …: which kind of message an example shows. */
function messageName(message: DeviceMessage): string {
  switch (message.family) {
    case 'state':
      return message.body.online ? `birth:${message.body.kind}` : 'will';
    case 'evt':
      return `evt:${message.event.type}`;
    case 'telemetry':
      return 'telemetry';
    case 'cmd':
      return `cmd:${message.body.type}`;
    case 'ack':
      return `ack:${message.body.status}`;
  }
}

// docs/protocol.md is the contract firmware writers and technicians read: every example in it must
// be what the code accepts, and every reason it quotes must be what the code says.
describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
  // The convention the page states: a line "Topic: `…`" (or "Hub topic: `…`"), then a one-line json block.
  const examples = [...doc.matchAll(/^(Hub topic|Topic): `([^`]+)`\n```json\n(.+)\n```$/gm)].map((m) => ({
    hub: m[1] === 'Hub topic',
    topic: m[2]!,
    json: m[3]!,
  }));
  const deviceExamples = examples
    .filter((e) => !e.hub)
    .map((e) => {
      const topic = parseDeviceTopic(e.topic);
      const message = topic.ok ? parseDeviceMessage(topic.value, bytes(e.json)) : topic;
      return { ...e, site: topic.ok ? topic.value.site : '', message };
    });
  const validMessages = deviceExamples.flatMap((e) => (e.message.ok ? [e.message.value] : []));

  it('writes every example as a Topic line and a one-line json block, so these tests see it', () => {
    expect(examples.length).toBe([...doc.matchAll(/^```json$/gm)].length);
    expect(examples.length).toBeGreaterThanOrEqual(29);
  });

  it('gives examples that are valid protocol v1 as the code says', () => {
    const invalid = deviceExamples.flatMap((e) =>
      e.message.ok ? [] : [`${e.topic} ${e.json}: ${e.message.reason}`],
    );
    expect(invalid).toEqual([]);
    for (const { topic, site, json, message } of deviceExamples) {
      expect(site, topic).toBe(SITE);
      if (!message.ok) continue;
      // The payload is exactly what goes on the wire: nothing in it is dropped as unknown.
      const body = message.value.family === 'evt' ? message.value.event.body : message.value.body;
      expect(body, topic).toEqual(JSON.parse(json));
    }
  });

  it('has an example of every message: each family, event type, device kind, command and ack status', () => {
    const seen = new Set(validMessages.map(messageName));
    const commandTypes = Command.options.map((option) => option.shape.type.value);
    expect(commandTypes).toEqual(['prepare', 'play', 'stop', 'volume', 'ping', 'rebirth']);
    const expected = [
      ...DEVICE_KINDS.map((kind) => `birth:${kind}`),
      'will',
      ...EVENT_TYPES.map((type) => `evt:${type}`),
      'telemetry',
      ...commandTypes.map((type) => `cmd:${type}`),
      ...ACK_STATUSES.map((status) => `ack:${status}`),
    ];
    expect(expected.filter((name) => !seen.has(name))).toEqual([]);
  });

  it("shows the hub's birth and its clean stop on hub/state", () => {
    const hub = examples.filter((e) => e.hub && e.topic === hubStateTopic(SITE));
    expect(hub).toHaveLength(2);
    const [birth, stop] = hub.map((e) => JSON.parse(e.json));
    expect(Object.keys(birth).sort()).toEqual(['online', 'ts', 'version']);
    expect(birth.online).toBe(true);
    expect(birth.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Timestamp.safeParse(birth.ts).success).toBe(true);
    expect(stop).toEqual({ online: false });
  });

  it("shows a rating on the hub's event stream as the rating point of influxdb.md, with its time", () => {
    const events = examples.filter((e) => e.hub && e.topic.startsWith(hubEventsPrefix(SITE)));
    expect(events.map((e) => e.topic)).toEqual([hubEventTopic(SITE, 'rating')]);
    const rating = SCHEMA.find((m) => m.measurement === 'rating')!;
    expect(Object.keys(JSON.parse(events[0]!.json)).sort()).toEqual(
      ['time', ...rating.tags, ...Object.keys(rating.fields)].sort(),
    );
  });

  it('lists every topic of protocol v1 in its topic table', () => {
    for (const topic of FAMILIES) {
      const tail = deviceTopic(SITE, 'ID', topic).slice(devicePrefix(SITE, 'ID').length);
      expect(doc).toContain(`| \`…/dev/{id}/${tail}\` |`);
    }
    expect(doc).toContain('| `…/hub/state` |');
  });

  it('gives technicians mosquitto_pub commands that the hub accepts', () => {
    const commands = [...doc.matchAll(/^mosquitto_pub (.+?)(?<!\\)$/gms)].map((m) =>
      m[0].replace(/\\\n\s*/g, ''),
    );
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      const id = command.match(/ -i (\S+)/)?.[1];
      const topic = command.match(/ -t (\S+)/)?.[1];
      const payload = command.match(/ -m '([^']*)'/)?.[1];
      expect(command).toMatch(/ -V mqttv311 .* -q 1/);
      expect(command).toContain(` -u ${id} `); // clientId = username = device id
      const parsed = parseDeviceTopic(topic ?? '');
      expect(parsed, command).toMatchObject({ ok: true, value: { site: SITE, device: id } });
      if (!parsed.ok) continue;
      expect(parseDeviceMessage(parsed.value, bytes(payload ?? '')), command).toMatchObject({ ok: true });
    }
  });

  it('quotes the topic and payload reasons of protocol/ word for word', () => {
    const rows = [
      ...doc.matchAll(/^\| `(thanthien\/[^`]*)` \| (`.*?`|\(empty\)|\(bytes [0-9a-f ]+\)) \| `(.+)` \|$/gm),
    ];
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const [, topic, cell, quoted] of rows) {
      const payload =
        cell === '(empty)'
          ? new Uint8Array()
          : cell!.startsWith('(bytes ')
            ? Buffer.from(cell!.slice(7, -1).replaceAll(' ', ''), 'hex')
            : bytes(cell!.slice(1, -1));
      const parsedTopic = parseDeviceTopic(topic!);
      const parsed = parsedTopic.ok ? parseDeviceMessage(parsedTopic.value, payload) : parsedTopic;
      // A | inside a table cell is written \| in Markdown.
      expect(parsed.ok ? 'ok' : parsed.reason, `${topic} ${cell}`).toBe(quoted!.replaceAll('\\|', '|'));
    }
  });

  it("quotes the hub's access and registration reasons word for word", () => {
    const at = (device: string) => devicePrefix(SITE, device);
    for (const reason of [
      publishRefusal(SITE, 'btn-quay-1', `${at('btn-quay-2')}evt/rating`),
      publishRefusal(SITE, 'loa-thon-dong', `${at('loa-thon-dong')}cmd`),
      subscribeRefusal(SITE, 'btn-quay-1', `thanthien/v1/${SITE}/#`, 1),
      subscribeRefusal(SITE, 'loa-thon-dong', `${at('loa-thon-dong')}cmd`, 2),
    ]) {
      expect(reason).toBeDefined();
      expect(doc).toContain(`| \`${reason}\` |`);
    }
    // The hub's other reasons are template strings in its source: each quoted one must match one.
    const section = doc.slice(doc.indexOf('### Access and registration checks'));
    const quoted = [...section.matchAll(/^\| [^|]+ \| `(.+)` \|$/gm)].map((m) => m[1]!);
    expect(quoted.length).toBeGreaterThanOrEqual(10);
    const templates = ['broker/acl.ts', 'broker/broker.ts', 'ingest/ingest.ts']
      .flatMap((file) => [
        ...readFileSync(new URL(`../hub/src/${file}`, import.meta.url), 'utf8').matchAll(
          /`([^`]*)`|'([^'\n]*)'/g,
        ),
      ])
      .map((m) => (m[1] ?? m[2]!).split(/\$\{[^}]*\}/))
      // A template of little fixed text would match any reason and prove nothing.
      .filter((parts) => parts.join('').length >= 10)
      .map(
        (parts) =>
          new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`),
      );
    for (const reason of quoted) {
      expect(
        templates.some((template) => template.test(reason)),
        reason,
      ).toBe(true);
    }
  });
});

describe('grades (classifyRating)', () => {
  it.each([
    [3, [1, 2, 3], ['u', 's', 's']],
    [4, [1, 2, 3, 4], ['u', '-', 's', 's']],
    [5, [1, 2, 3, 4, 5], ['u', 'u', '-', 's', 's']],
  ] as const)('scale %i', (scale, scores, expected) => {
    const got = scores.map((score) => {
      const { satisfied, unsatisfied } = classifyRating({ score, scale });
      return satisfied ? 's' : unsatisfied ? 'u' : '-';
    });
    expect(got).toEqual(expected);
  });
});
