import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceLink } from '../firmware/src/link/index.ts';
import { ContentCache } from '../firmware/src/speaker/content-cache.ts';
import { MpvPlayer } from '../firmware/src/speaker/mpv.ts';
import { SpeakerNode } from '../firmware/src/speaker/speaker-node.ts';
import { placementOf } from '../hub/src/devices/index.ts';
import type { Ack, Command } from '../protocol/index.ts';
import { toneFile } from './helpers/audio.ts';
import { startTestHub, type TestHub, until } from './helpers/hub.ts';

// Tiers on a real node: a bulletin plays, an emergency takes the air at its moment, and the rest
// of the bulletin resumes where it was cut — all in the real player (mpv, null output), commanded
// through a real hub's broker. The amplifier is on before the sound and off after a quiet while.

const dir = mkdtempSync(join(tmpdir(), 'tt-speaker-tiers-'));
let hub: TestHub;
let node: SpeakerNode;
let link: DeviceLink;
const players = [new MpvPlayer({ audioOutput: 'null' }), new MpvPlayer({ audioOutput: 'null' })] as const;
const acks: Array<Omit<Ack, 'ts'> & { atMs: number }> = [];
let clockSynced = true;
const amplifier: Array<[string, number]> = [];

beforeAll(async () => {
  hub = await startTestHub({ TT_RADIO_CLOCK: 'trust' });
  const { secret } = await hub.devices.add(
    { id: 'loa-1', kind: 'speaker', zone: 'thon-dong' },
    placementOf(hub.config),
  );
  link = new DeviceLink({
    url: hub.url,
    site: hub.config.site.code,
    id: 'loa-1',
    secret,
    kind: 'speaker',
    fw: '1.0.0',
  });
  // What the node answers, as the hub receives it, with when.
  const ack = link.ack.bind(link);
  link.ack = (a) => {
    acks.push({ ...a, atMs: Date.now() });
    ack(a);
  };
  let on = false;
  node = new SpeakerNode({
    link,
    cache: new ContentCache({ dir: join(dir, 'cache'), maxBytes: 50_000_000, id: 'loa-1', secret }),
    players,
    amplifier: {
      on: () => {
        on = true;
        amplifier.push(['on', Date.now()]);
      },
      off: () => {
        on = false;
        amplifier.push(['off', Date.now()]);
      },
      get isOn() {
        return on;
      },
    },
    playbookFile: join(dir, 'plays.json'),
    clockSynced: () => clockSynced,
    leadMs: 1000,
    warmUpMs: 500,
    holdMs: 300,
    stallMs: 2000,
  });
  await node.start();
  link.start();
  await until(() => hub.devices.get('loa-1')?.online === true, 'the node online');
}, 30_000);

afterAll(async () => {
  await node?.stop();
  await link?.stop();
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

const statuses = (id: string) => acks.filter((a) => a.id === id).map((a) => a.status);
const ackOf = (id: string, status: string) => acks.find((a) => a.id === id && a.status === status)!;

const tone = (name: string, seconds: number) => readFileSync(toneFile(dir, name, seconds));

describe('tiers on the node', () => {
  it('lets an emergency take the air at its moment and resumes the bulletin at its offset', async () => {
    const asset = async (name: string, seconds: number) => {
      const a = await hub.assets.add(name, tone(name, seconds), 'chu-tich');
      return {
        url: `http://127.0.0.1:${hub.httpPort}/api/v1/assets/${a.sha256}/file`,
        sha256: a.sha256,
        bytes: a.bytes,
        duration_s: a.durationMs / 1000,
      };
    };
    const bulletin = await asset('ban-tin.mp3', 8);
    const warning = await asset('canh-bao.wav', 2);
    const t0 = Date.now() + 2000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const play = (
      id: string,
      a: typeof bulletin,
      startMs: number,
      endMs: number,
      offset_s: number,
      priority: string,
    ) =>
      hub.sendCommand('loa-1', {
        id,
        type: 'play',
        program: id,
        asset: a,
        start_at: iso(startMs),
        end_at: iso(endMs),
        offset_s,
        volume: 80,
        priority,
      } as Command);
    // What the hub sends for this plan: the bulletin 0–8 s, cut 2–4 s by the emergency, the rest after.
    await play('ban-tin', bulletin, t0, t0 + 8000, 0, 'normal');
    await play('khan-cap', warning, t0 + 2000, t0 + 4000, 0, 'emergency');
    await play('ban-tin-tiep', bulletin, t0 + 4000, t0 + 8000, 2, 'normal');
    await until(
      () => statuses('ban-tin-tiep').includes('playing'),
      'the rest of the bulletin on air',
      15_000,
    );
    const resumedAt = ackOf('ban-tin-tiep', 'playing').atMs;
    // Resumed in the real player where it was cut, 2 s into the content (not from its start, 2 s
    // away): within half a second, for a busy runner (0.15 s failed in CI beside the other suites).
    const positions = await Promise.all(players.map((p) => p.position().catch(() => Number.NaN)));
    const elapsedS = (Date.now() - resumedAt) / 1000;
    expect(positions.some((p) => Math.abs(p - (2 + elapsedS)) < 0.5)).toBe(true);
    await until(() => statuses('ban-tin-tiep').includes('done'), 'the bulletin done', 15_000);

    expect(statuses('ban-tin')).toEqual(['received', 'playing', 'stopped']);
    expect(statuses('khan-cap')).toEqual(['received', 'playing', 'done']);
    expect(statuses('ban-tin-tiep')).toEqual(['received', 'playing', 'done']);
    // Each started at its moment by the node's clock; the cut at the emergency's. The bound only
    // tells "at its moment" from "late" on a busy 2-core runner (116 ms seen beside the other
    // suites); how close real nodes start is measured in bench/speakers.ts (docs/benchmarks.md).
    const startError = (id: string, at: number) =>
      Math.abs(Date.parse(ackOf(id, 'playing').started_at!) - at);
    expect(startError('ban-tin', t0)).toBeLessThan(300);
    expect(startError('khan-cap', t0 + 2000)).toBeLessThan(300);
    expect(startError('ban-tin-tiep', t0 + 4000)).toBeLessThan(300);
    expect(Math.abs(ackOf('ban-tin', 'stopped').atMs - (t0 + 2000))).toBeLessThan(300);
    // The amplifier came on before the first sound and went off a quiet while after the last.
    await until(() => amplifier.at(-1)?.[0] === 'off', 'the amplifier off');
    expect(amplifier[0]![0]).toBe('on');
    expect(t0 - amplifier[0]![1]).toBeGreaterThanOrEqual(400);
    expect(amplifier.at(-1)![1] - ackOf('ban-tin-tiep', 'done').atMs).toBeGreaterThanOrEqual(250);
  }, 40_000);

  it('refuses timed plays while its clock is not synchronised, and stops with what it sounded when the player dies', async () => {
    const a = await hub.assets.add('nhac.mp3', tone('nhac.mp3', 20), 'chu-tich');
    const asset = {
      url: `http://127.0.0.1:${hub.httpPort}/api/v1/assets/${a.sha256}/file`,
      sha256: a.sha256,
      bytes: a.bytes,
      duration_s: a.durationMs / 1000,
    };
    const play = (id: string, startMs: number) =>
      hub.sendCommand('loa-1', {
        id,
        type: 'play',
        program: id,
        asset,
        start_at: new Date(startMs).toISOString(),
        end_at: new Date(startMs + 20_000).toISOString(),
        offset_s: 0,
        volume: 80,
        priority: 'normal',
      } as Command);
    clockSynced = false;
    await play('khi-lech-gio', Date.now() + 1000);
    await until(() => statuses('khi-lech-gio').length > 0, 'an answer');
    expect(acks.find((x) => x.id === 'khi-lech-gio')).toMatchObject({
      status: 'rejected',
      error: 'clock not synchronised',
    });
    clockSynced = true;

    await play('nhac', Date.now() + 1500);
    await until(() => statuses('nhac').includes('playing'), 'the program on air', 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    // The player on air crashes: dead air. The play ends stopped; the player comes back.
    const onAir = (
      await Promise.all(players.map(async (p) => ((await p.position().catch(() => -1)) > 0 ? p : undefined)))
    ).find(Boolean)!;
    process.kill(onAir.pid!, 'SIGKILL');
    await until(() => statuses('nhac').includes('stopped'), 'the play stopped', 10_000);
    expect(acks.find((x) => x.id === 'nhac' && x.status === 'stopped')).toMatchObject({
      error: 'player died',
    });
    await until(() => onAir.running, 'the player started again', 10_000);
  }, 40_000);

  it('notices a stream that stopped coming (dead air) and stops with what it sounded', async () => {
    // A relay that sends two seconds of audio and then nothing, its connection left open.
    const audio = tone('tiep-song.mp3', 30);
    const relay = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write(audio.subarray(0, Math.floor(audio.length / 15)));
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const startMs = Date.now() + 1500;
      await hub.sendCommand('loa-1', {
        id: 'tiep-song',
        type: 'play',
        program: 'tiep-song',
        stream: {
          url: `http://127.0.0.1:${(relay.address() as { port: number }).port}/vov1`,
          duration_s: 30,
        },
        start_at: new Date(startMs).toISOString(),
        end_at: new Date(startMs + 30_000).toISOString(),
        offset_s: 0,
        volume: 80,
        priority: 'normal',
      } as Command);
      await until(() => statuses('tiep-song').includes('stopped'), 'dead air noticed', 20_000);
      expect(statuses('tiep-song')).toEqual(['received', 'playing', 'stopped']);
      expect(acks.find((x) => x.id === 'tiep-song' && x.status === 'stopped')!.error).toMatch(
        /^dead air: playback stalled at \d+\.\d s$/,
      );
    } finally {
      relay.closeAllConnections();
      await new Promise((resolve) => relay.close(resolve));
    }
  }, 40_000);
});
