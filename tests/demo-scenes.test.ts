import { mkdtempSync, rmSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isOfficeTime, loadSiteConfig } from '../hub/src/config/index.ts';
import {
  boardUrls,
  deskDay,
  isLoopbackOnly,
  isStaffed,
  latestStoredMs,
  Narrator,
  OfficeDayPlayer,
  reachableHosts,
  seededRandom,
} from '../hub/src/demo/index.ts';
import { officeSessions } from '../hub/src/presence/index.ts';
import { openStore } from '../hub/src/store/index.ts';
import type { DeskDevices } from '../simulators/src/commune.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';

// What the demo plays and says, apart from the hub: each desk's day, the presses, the lines it
// prints, where an earlier run stopped, and the board's address.

const calendar = loadSiteConfig(EXAMPLE_CONFIG);
const MIN = 60_000;
const at = (local: string) => new Date(`${local}:00+07:00`).getTime();
const DAY = '2026-11-23';
const sessions = officeSessions(calendar, DAY);

describe("a desk's office day", () => {
  const days = Array.from({ length: 300 }, (_, i) => deskDay(sessions, seededRandom(`${DAY}/quay-${i}`)));

  it('is the same on every run', () => {
    expect(deskDay(sessions, seededRandom(`${DAY}/quay-1`))).toEqual(days[1]);
    expect(deskDay(sessions, seededRandom(`${DAY}/quay-2`))).not.toEqual(days[1]);
  });

  it('stays inside the shown day, with nobody at the desk in the middle of lunch', () => {
    for (const day of days) {
      for (const stretch of day) {
        expect(stretch.fromMs).toBeGreaterThanOrEqual(at(`${DAY}T07:15`));
        expect(stretch.toMs).toBeLessThanOrEqual(at(`${DAY}T17:12`));
        expect(stretch.fromMs).toBeLessThan(stretch.toMs);
      }
      expect(isStaffed(day, at(`${DAY}T12:30`))).toBe(false);
    }
  });

  it('is plausible: most desks staffed mid-morning, some late, some long absences', () => {
    const staffedAt9 = days.filter((day) => isStaffed(day, at(`${DAY}T09:00`))).length;
    expect(staffedAt9).toBeGreaterThan(200);
    expect(staffedAt9).toBeLessThan(300);
    const late = days.filter((day) => (day[0]?.fromMs ?? Number.POSITIVE_INFINITY) > at(`${DAY}T07:45`));
    expect(late.length).toBeGreaterThan(10);
    const longGap = days.filter((day) =>
      day.slice(1).some((s, i) => s.fromMs - day[i]!.toMs > 15 * MIN && s.fromMs < at(`${DAY}T11:30`)),
    );
    expect(longGap.length).toBeGreaterThan(10);
  });
});

describe('the office-day player', () => {
  type Press = { desk: string; atMs: number; score: number };
  const play = (fromLocal: string, toLocal: string, stepMs: number) => {
    let now = at(fromLocal);
    const presses: Press[] = [];
    const states = new Map<string, boolean[]>();
    const desks = new Map<string, DeskDevices>();
    for (const desk of calendar.desks.map((d) => d.id)) {
      let seq = 0;
      const button = {
        press: (score: number) => {
          presses.push({ desk, atMs: now, score });
          return { seq: seq++ };
        },
        reason: () => ({}),
      };
      const sensor = { set: (present: boolean) => states.set(desk, [...(states.get(desk) ?? []), present]) };
      desks.set(desk, { button, sensor } as unknown as DeskDevices);
    }
    const player = new OfficeDayPlayer({
      commune: { desks },
      calendar,
      scale: 4,
      clock: () => new Date(now),
      random: seededRandom('player'),
    });
    for (; now < at(toLocal); now += stepMs) player.tick();
    return { presses, states };
  };

  it('presses only in office hours at a staffed desk, at a plausible rate', () => {
    const { presses } = play(`${DAY}T07:10`, `${DAY}T17:20`, 15_000);
    for (const press of presses) {
      expect(isOfficeTime(calendar, new Date(press.atMs))).toBe(true);
      const day = deskDay(sessions, seededRandom(`${DAY}/${press.desk}`));
      expect(isStaffed(day, press.atMs)).toBe(true);
    }
    // 6 desks × 7.5 office hours × 6 an hour, less the time desks stand empty.
    expect(presses.length).toBeGreaterThan(120);
    expect(presses.length).toBeLessThan(330);
    expect(presses.some((p) => p.score === 1)).toBe(true);
  });

  it('sets each sensor to its desk schedule, so desks come and go', () => {
    const { states } = play(`${DAY}T07:10`, `${DAY}T17:20`, 15_000);
    for (const seen of states.values()) {
      expect(seen.includes(true)).toBe(true);
      expect(seen.at(-1)).toBe(false); // everybody has left by the end of the shown day
    }
  });
});

describe('the narrator', () => {
  it('announces each working day and a progress line every demo hour', () => {
    let now = at(`${DAY}T07:10`);
    const lines: string[] = [];
    const narrator = new Narrator({
      timezone: 'Asia/Ho_Chi_Minh',
      hours: '07:30–11:30, 13:30–17:00',
      clock: () => new Date(now),
      status: () => ({ staffed: 5, desks: 6, rated: 12, unsatisfied: 1, flagged: 0 }),
      print: (line) => lines.push(line),
    });
    for (; now < at(`${DAY}T09:30`); now += 15_000) narrator.tick();
    now = at('2026-11-24T07:10');
    narrator.tick();
    expect(lines).toEqual([
      'Ngày làm việc Thứ Hai 23/11/2026, giờ làm việc 07:30–11:30, 13:30–17:00.\n  Office day Monday 23/11/2026, office hours 07:30–11:30, 13:30–17:00.',
      '08:00: 5/6 quầy có người; hôm nay 12 lượt đánh giá được tính (1 không hài lòng), 0 lượt bị gắn cờ.\n  08:00: 5/6 desks staffed; today 12 ratings counted (1 unsatisfied), 0 flagged.',
      expect.stringMatching(/^09:00: /),
      expect.stringMatching(/^Ngày làm việc Thứ Ba 24\/11\/2026.*\n {2}Office day Tuesday 24\/11\/2026/),
    ]);
  });
});

describe('where an earlier run stopped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-demo-resume-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is nothing without a store, and the latest time any table holds with one', () => {
    const file = join(dir, 'hub.sqlite');
    expect(latestStoredMs(file)).toBeUndefined();
    const store = openStore(file);
    expect(latestStoredMs(file)).toBeUndefined();
    store
      .prepare(
        "INSERT INTO presence_changes (desk, device, time_ms, state, cause) VALUES ('quay-1', 'p', ?, 'present', 'report')",
      )
      .run(at(`${DAY}T09:00`));
    store
      .prepare(
        "INSERT INTO alerts (key, kind, desk, officer, raised_at, state, details) VALUES ('k', 'empty-desk', 'quay-1', NULL, ?, 'open', '{}')",
      )
      .run(new Date(at(`${DAY}T10:15`)).toISOString());
    expect(latestStoredMs(file)).toBe(at(`${DAY}T10:15`));
    store.close();
  });
});

describe("the board's address", () => {
  const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
    ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;
  const interfaces = {
    lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
    eth0: [nic('192.168.1.20', 'IPv4'), nic('fe80::1', 'IPv6')],
    wlan0: [nic('10.0.0.7', 'IPv4'), nic('169.254.3.3', 'IPv4')],
  };

  it("is the machine's LAN IPv4 addresses when the hub listens on every interface", () => {
    expect(reachableHosts('0.0.0.0', interfaces, 'may-chu')).toEqual(['192.168.1.20', '10.0.0.7']);
    expect(reachableHosts('::', interfaces, 'may-chu')).toEqual(['192.168.1.20', '10.0.0.7']);
    expect(boardUrls(['192.168.1.20'], 8080)).toEqual(['http://192.168.1.20:8080/board']);
  });

  it('falls back to the host name, never to localhost', () => {
    expect(reachableHosts('0.0.0.0', { lo: interfaces.lo }, 'may-chu')).toEqual(['may-chu']);
  });

  it('is the address TT_HOST names', () => {
    expect(reachableHosts('192.168.1.20', interfaces, 'may-chu')).toEqual(['192.168.1.20']);
    expect(boardUrls(['fd00::2'], 8080)).toEqual(['http://[fd00::2]:8080/board']);
    expect(isLoopbackOnly('127.0.0.1')).toBe(true);
    expect(isLoopbackOnly('192.168.1.20')).toBe(false);
  });
});
