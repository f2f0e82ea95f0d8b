import { describe, expect, it } from 'vitest';
import { publishRefusal, subscribeRefusal } from '../hub/src/broker/index.ts';

const SITE = 'xa-tan-lap';
const own = (tail: string) => `thanthien/v1/${SITE}/dev/btn-1/${tail}`;

describe('publish ACL (docs/protocol.md)', () => {
  it.each(['state', 'evt/rating', 'evt/presence', 'telemetry', 'ack', 'evt/unknown'])(
    'allows own %s',
    (tail) => {
      expect(publishRefusal(SITE, 'btn-1', own(tail))).toBeUndefined();
    },
  );

  it.each([
    ['another device', `thanthien/v1/${SITE}/dev/btn-2/evt/rating`],
    ['a prefix of its id', `thanthien/v1/${SITE}/dev/btn-10/evt/rating`],
    ['another site', 'thanthien/v1/xa-khac/dev/btn-1/evt/rating'],
    ['the hub state', `thanthien/v1/${SITE}/hub/state`],
    ['$SYS', '$SYS/broker/clients'],
  ])('refuses %s', (_, topic) => {
    expect(publishRefusal(SITE, 'btn-1', topic)).toMatch(
      /may publish only under thanthien\/v1\/xa-tan-lap\/dev\/btn-1\//,
    );
  });

  it('refuses its own cmd: commands go hub → device', () => {
    expect(publishRefusal(SITE, 'btn-1', own('cmd'))).toMatch(/may not publish on cmd/);
  });
});

describe('subscribe ACL (docs/protocol.md)', () => {
  it('allows its own cmd and the hub state', () => {
    expect(subscribeRefusal(SITE, 'btn-1', own('cmd'), 1)).toBeUndefined();
    expect(subscribeRefusal(SITE, 'btn-1', `thanthien/v1/${SITE}/hub/state`, 1)).toBeUndefined();
  });

  it.each([
    `thanthien/v1/${SITE}/dev/btn-2/cmd`,
    `thanthien/v1/${SITE}/dev/+/cmd`,
    `thanthien/v1/${SITE}/#`,
    '#',
    own('state'),
  ])('refuses %s', (filter) => {
    expect(subscribeRefusal(SITE, 'btn-1', filter, 1)).toMatch(/may subscribe only to/);
  });

  it('refuses QoS 2', () => {
    expect(subscribeRefusal(SITE, 'btn-1', own('cmd'), 2)).toMatch(/QoS 2/);
  });
});

describe('integration clients (docs/protocol.md, the event stream)', () => {
  const events = `thanthien/v1/${SITE}/hub/events/`;

  it.each([`${events}#`, `${events}rating`, `${events}+`, `thanthien/v1/${SITE}/hub/state`])(
    'may subscribe to %s',
    (filter) => {
      expect(subscribeRefusal(SITE, 'nodered-huyen', filter, 1, 'integration')).toBeUndefined();
    },
  );

  it.each([
    '#',
    `thanthien/v1/${SITE}/#`,
    `thanthien/v1/${SITE}/hub/#`,
    `thanthien/v1/${SITE}/dev/+/evt/rating`,
    'thanthien/v1/xa-khac/hub/events/#',
  ])('may not subscribe to %s', (filter) => {
    expect(subscribeRefusal(SITE, 'nodered-huyen', filter, 1, 'integration')).toMatch(
      /may subscribe only to thanthien\/v1\/xa-tan-lap\/hub\/events\/# and/,
    );
  });

  it('publishes nothing, not even under a device id it could claim', () => {
    for (const topic of [`${events}rating`, `thanthien/v1/${SITE}/dev/nodered-huyen/evt/rating`])
      expect(publishRefusal(SITE, 'nodered-huyen', topic, 'integration')).toMatch(
        /only read the hub's events/,
      );
  });

  it('is not for devices', () => {
    expect(subscribeRefusal(SITE, 'btn-1', `${events}#`, 1)).toMatch(/may subscribe only to/);
  });
});
