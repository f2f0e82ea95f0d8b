import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DeviceTopic,
  deviceTopic,
  hubStateTopic,
  parseDeviceMessage,
  parseDeviceTopic,
} from '../protocol/index.ts';

const SITE = 'xa-tan-lap';
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const reasonOf = (topic: DeviceTopic, payload: unknown) => {
  const parsed = parseDeviceMessage(topic, bytes(payload));
  return parsed.ok ? 'ok' : parsed.reason;
};

describe('topics', () => {
  const families: DeviceTopic[] = [
    { family: 'state' },
    { family: 'evt', event: 'rating' },
    { family: 'evt', event: 'rating-reason' },
    { family: 'evt', event: 'presence' },
    { family: 'telemetry' },
    { family: 'cmd' },
    { family: 'ack' },
  ];

  it.each(families)('builds and parses %o', (topic) => {
    expect(parseDeviceTopic(deviceTopic(SITE, 'btn-quay-1', topic))).toEqual({
      ok: true,
      value: { site: SITE, device: 'btn-quay-1', ...topic },
    });
  });

  it.each([
    ['other/v1/xa-tan-lap/dev/btn-1/state', 'topic must start with "thanthien/"'],
    ['thanthien/v2/xa-tan-lap/dev/btn-1/state', 'protocol version "v2" is not supported; this hub speaks v1'],
    ['thanthien/v1/X/dev/btn-1/state', 'site "X" must match'],
    ['thanthien/v1/xa-tan-lap/devices/btn-1/state', 'expected "dev" after the site'],
    ['thanthien/v1/xa-tan-lap/dev/BTN_1/state', 'device id "BTN_1" must match'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/status', 'unknown topic family "status"'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/evt/vote', 'unknown event type "vote"'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/evt/rating/x', 'unexpected levels after evt/rating'],
    ['thanthien/v1/xa-tan-lap/dev/btn-1/state/x', 'unexpected levels after state'],
  ])('refuses %s with a reason', (topic, reason) => {
    const parsed = parseDeviceTopic(topic);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('keeps control characters and length out of reasons', () => {
    const parsed = parseDeviceTopic(`thanthien/v1/xa-tan-lap/dev/btn-1/${'\u0007'.repeat(100)}`);
    expect(parsed.ok ? '' : parsed.reason).toMatch(/"\?{60}…"/);
  });
});

describe('payloads', () => {
  const rating: DeviceTopic = { family: 'evt', event: 'rating' };

  it('drops unknown fields', () => {
    const parsed = parseDeviceMessage(
      rating,
      bytes({ boot: 'k3j9x2ab', seq: 0, score: 3, scale: 4, colour: 'red' }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        family: 'evt',
        event: { type: 'rating', body: { boot: 'k3j9x2ab', seq: 0, score: 3, scale: 4 } },
      },
    });
  });

  it.each([
    [{ seq: 1, score: 3, scale: 4 }, 'boot: required'],
    [
      { boot: 'k3j9x2ab', seq: '1', score: 3, scale: 4 },
      'seq: Invalid input: expected number, received string',
    ],
    [{ boot: 'k3j9x2ab', seq: -1, score: 3, scale: 4 }, 'seq: Too small'],
    [{ boot: 'k3j9x2ab', seq: 1, score: 5, scale: 4 }, 'score: must be between 1 and scale'],
    [{ boot: 'k3j9x2ab', seq: 1, score: 2, scale: 6 }, 'scale:'],
    [{ boot: 'K3!', seq: 1, score: 2, scale: 4 }, 'boot: must be 4–32 characters a–z, 0–9'],
    [{ boot: 'k3j9x2ab', seq: 1, score: 2, scale: 4, ts: '2026-11-23T09:12:45+07:00' }, 'ts:'],
    [{ boot: 'k3j9x2ab', seq: 1, score: 2, scale: 4, ts: '2026-11-23T09:12:45.123' }, 'ts:'],
  ])('refuses a rating %o', (payload, reason) => {
    expect(reasonOf(rating, payload)).toContain(reason);
  });

  it('names what is wrong with bytes that are not a JSON object', () => {
    expect(reasonOf(rating, '')).toBe('payload is empty; expected a JSON object');
    expect(parseDeviceMessage(rating, Buffer.from([0xc3, 0x28]))).toEqual({
      ok: false,
      reason: 'payload is not valid UTF-8',
    });
    expect(reasonOf(rating, '{"boot":')).toMatch(/^payload is not valid JSON/);
  });

  it('refuses a command without its required fields, naming them', () => {
    expect(reasonOf({ family: 'cmd' }, { id: 'c1', type: 'play', program: 'x' })).toMatch(/asset: required/);
    expect(reasonOf({ family: 'cmd' }, { id: 'c1', type: 'dance' })).toMatch(/^type:/);
    expect(reasonOf({ family: 'ack' }, { id: 'c1', status: 'maybe' })).toMatch(/^status:/);
  });
});

describe('docs/protocol.md', () => {
  const doc = readFileSync('docs/protocol.md', 'utf8');
  const examples = [...doc.matchAll(/^(Hub topic|Topic): `([^`]+)`\n```json\n(.+)\n```$/gm)].map((m) => ({
    hub: m[1] === 'Hub topic',
    topic: m[2]!,
    json: m[3]!,
  }));

  it('has an example of every message', () => {
    const device = examples
      .filter((e) => !e.hub)
      .map((e) => {
        const topic = parseDeviceTopic(e.topic);
        if (!topic.ok) throw new Error(topic.reason);
        const message = parseDeviceMessage(topic.value, bytes(e.json));
        if (!message.ok) throw new Error(`${e.topic}: ${message.reason}`);
        const body = message.value.family === 'evt' ? message.value.event.body : message.value.body;
        return `${e.topic.split('/').slice(5).join('/')}:${'type' in body ? body.type : 'status' in body ? body.status : 'online' in body ? body.online : ''}`;
      });
    for (const expected of [
      'state:true',
      'state:false',
      'evt/rating:',
      'evt/rating-reason:',
      'evt/presence:',
      'telemetry:',
      'cmd:prepare',
      'cmd:play',
      'cmd:stop',
      'cmd:volume',
      'cmd:ping',
      'cmd:rebirth',
      'ack:received',
      'ack:ready',
      'ack:playing',
      'ack:done',
      'ack:stopped',
      'ack:failed',
      'ack:rejected',
    ]) {
      expect(device).toContain(expected);
    }
  });

  it('every example is valid protocol v1 as the code says', () => {
    expect(examples.length).toBeGreaterThan(20);
    for (const example of examples) {
      if (example.hub) {
        expect(example.topic).toBe(hubStateTopic(SITE));
        continue;
      }
      const topic = parseDeviceTopic(example.topic);
      expect(topic.ok, example.topic).toBe(true);
      if (!topic.ok) continue;
      expect(parseDeviceMessage(topic.value, bytes(example.json)), example.json).toMatchObject({ ok: true });
    }
  });

  it('quotes the reasons the code gives, word for word', () => {
    const quoted = [...doc.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|$/gm)];
    const rating: DeviceTopic = { family: 'evt', event: 'rating' };
    for (const [, input, reason] of quoted) {
      if (input!.startsWith('{')) expect(reasonOf(rating, input)).toBe(reason);
    }
    expect(doc).toContain(
      `\`${(parseDeviceTopic('thanthien/v1/xa-tan-lap/dev/btn-quay-1/evt/vote') as { reason: string }).reason}\``,
    );
    expect(doc).toContain(
      `\`${(parseDeviceTopic('thanthien/v2/xa-tan-lap/dev/b/state') as { reason: string }).reason}\``,
    );
  });
});
