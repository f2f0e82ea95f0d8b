import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isHoliday,
  loadSiteConfig,
  localTime,
  officerAt,
  officerOnDuty,
  parseSiteConfig,
  WEEKDAYS,
  wallClock,
} from '../hub/src/config/index.ts';
import { HubError } from '../hub/src/errors.ts';
import { EXAMPLE_CONFIG } from './helpers/hub.ts';

// A small valid config; the tests below break one line of it and expect that line in the error.
// Line 9-10 keep a bare 07:30 and line 13 a bare date on purpose: YAML 1.2 reads both as strings.
const BASE = `site:
  code: xa-thu
  name: UBND xã Thử
rating:
  scale: 3
office_hours:
  days: [mon, tue, wed, thu, fri]
  sessions:
    - start: 07:30
      end: 11:30
    - { start: "13:30", end: "17:00" }
holidays:
  - { date: 2026-01-01, name: Tết Dương lịch }
  - { from: "2026-02-14", to: "2026-02-22", name: Tết Nguyên đán }
officials:
  - { id: can-bo-a, name: Nguyễn Văn A }
  - { id: can-bo-b, name: Trần Thị B, title: Công chức Tư pháp – Hộ tịch }
desks:
  - id: quay-1
    name: Quầy 1
    field: Tư pháp – Hộ tịch
    officer: can-bo-a
    roster:
      - { days: [sat], officer: can-bo-b }
  - id: quay-2
    name: Quầy 2
    field: Chứng thực
    officer: can-bo-b
zones:
  - { id: thon-dong, name: Thôn Đông }
`;

/** BASE with 1-based line `n` replaced by `text` (null deletes it). */
function edit(n: number, text: string | null, source = BASE): string {
  const lines = source.split('\n');
  lines.splice(n - 1, 1, ...(text === null ? [] : [text]));
  return lines.join('\n');
}

/** The detail lines of the config error that parsing `text` throws. */
function problems(text: string): string[] {
  try {
    parseSiteConfig(text, 'site.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('TT_CONFIG_INVALID');
    return (err as HubError).message.replace(/^site config is invalid: /, '').split('\n');
  }
  throw new Error('expected the config to be rejected');
}

describe('the example site config', () => {
  const config = loadSiteConfig(EXAMPLE_CONFIG);

  it('loads a commune with six desks, eight zones and a four-point scale', () => {
    expect(config.site).toMatchObject({ code: 'xa-tan-lap', timezone: 'Asia/Ho_Chi_Minh' });
    expect(config.desks).toHaveLength(6);
    expect(config.zones).toHaveLength(8);
    expect(config.rating).toEqual({
      scale: 4,
      repeat_interval_s: 5,
      labels: { 1: 'Không hài lòng', 2: 'Bình thường', 3: 'Hài lòng', 4: 'Rất hài lòng' },
    });
    expect(config.office_hours.sessions).toEqual([
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '17:00' },
    ]);
  });

  it('knows the public holidays of 2026 and 2027, and ordinary days', () => {
    for (const day of [
      '2026-01-01',
      '2026-02-17',
      '2026-04-27',
      '2026-09-01',
      '2027-02-06',
      '2027-05-03',
      '2027-09-03',
    ]) {
      expect(isHoliday(config, day), day).toBe(true);
    }
    for (const day of ['2026-02-13', '2026-02-23', '2026-09-03', '2027-09-01']) {
      expect(isHoliday(config, day), day).toBe(false);
    }
  });

  it('is deep-frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.desks[4]!.roster[0]!.days)).toBe(true);
    expect(() => (config.desks as unknown as unknown[]).push({})).toThrow(TypeError);
  });
});

describe('parseSiteConfig', () => {
  it('accepts the base config, with bare times and dates, and fills the defaults', () => {
    const config = parseSiteConfig(BASE, 'site.yaml');
    expect(config.office_hours.sessions[0]).toEqual({ start: '07:30', end: '11:30' });
    expect(config.holidays[0]).toEqual({ name: 'Tết Dương lịch', from: '2026-01-01', to: '2026-01-01' });
    expect(config.site.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(config.rating.labels).toEqual({ 1: 'Không hài lòng', 2: 'Hài lòng', 3: 'Rất hài lòng' });
    expect(config.alerts).toEqual({
      empty_desk_after_min: 15,
      unsatisfied_share: 0.3,
      unsatisfied_window_min: 60,
    });
    expect(config.desks[1]!.roster).toEqual([]);
  });

  it('names the parent mapping line of a missing officer', () => {
    expect(problems(edit(28, null))).toEqual(['site.yaml:25 desks[1].officer: required']);
  });

  it('names an empty value', () => {
    expect(problems(edit(22, '    officer:'))).toEqual(['site.yaml:22 desks[0].officer: must not be empty']);
  });

  it('refuses an officer who is not in officials, on the desk and in its roster', () => {
    expect(problems(edit(22, '    officer: khong-co'))).toEqual([
      'site.yaml:22 desks[0].officer: "khong-co" is not in officials',
    ]);
    expect(problems(edit(24, '      - { days: [sat], officer: khong-co }'))).toEqual([
      'site.yaml:24 desks[0].roster[0].officer: "khong-co" is not in officials',
    ]);
  });

  it('refuses a bad site code', () => {
    expect(problems(edit(2, '  code: Xã_Thử'))).toEqual([
      'site.yaml:2 site.code: must match ^[a-z0-9-]{2,32}$ (it is part of MQTT topics)',
    ]);
  });

  it('gives file and line for a YAML syntax error', () => {
    const [first] = problems(edit(13, '  - { date: 2026-01-01, name: Tết Dương lịch'));
    expect(first).toMatch(/^site\.yaml:14 /);
    expect(problems(edit(5, '  scale: 3\n  scale: 4'))).toEqual(['site.yaml:6 Map keys must be unique']);
  });

  it('takes quiet hours for the radio, across midnight too, and refuses an empty one', () => {
    const quiet = (spell: string) => `${BASE}broadcast:\n  quiet_hours:\n    - ${spell}\n`;
    expect(parseSiteConfig(quiet('{ start: "21:00", end: "05:30" }'), 'site.yaml').broadcast).toMatchObject({
      quiet_hours: [{ start: '21:00', end: '05:30' }],
    });
    expect(parseSiteConfig(BASE, 'site.yaml').broadcast).toEqual({
      quiet_hours: [],
      speech: ['espeak-ng', '-v', 'vi', '--stdin', '-w', '{out}'],
      max_upload_mb: 50,
      late_ack_wait_s: 300,
    });
    const speech = (command: string) => `${BASE}broadcast:\n  speech: ${command}\n`;
    expect(parseSiteConfig(speech('[piper, --output_file, "{out}"]'), 'site.yaml').broadcast.speech).toEqual([
      'piper',
      '--output_file',
      '{out}',
    ]);
    expect(problems(speech('[piper]'))).toEqual([
      'site.yaml:32 broadcast.speech: must have an argument with {out}, where the engine writes its WAV file',
    ]);
    expect(problems(quiet('{ start: "21:00", end: "21:00" }'))).toEqual([
      'site.yaml:33 broadcast.quiet_hours[0].end: must differ from start (21:00)',
    ]);
  });

  it('refuses a bad time, an empty session and overlapping sessions', () => {
    expect(problems(edit(10, '      end: 25:00'))).toEqual([
      'site.yaml:10 office_hours.sessions[0].end: must be a time "HH:MM", e.g. "07:30"',
    ]);
    expect(problems(edit(10, '      end: 07:00'))).toEqual([
      'site.yaml:10 office_hours.sessions[0].end: must be after start (07:30)',
    ]);
    expect(problems(edit(11, '    - { start: "11:00", end: "17:00" }'))).toEqual([
      'site.yaml:11 office_hours.sessions[1].start: must not start before sessions[0] ends (11:30); list sessions in time order',
    ]);
  });

  it('asks for quotes when YAML 1.1 reads 07:30 as a number, and still reads its dates', () => {
    const v11 = `%YAML 1.1\n---\n${BASE}`;
    expect(problems(v11)).toEqual([
      'site.yaml:11 office_hours.sessions[0].start: must be a time "HH:MM" in quotes, e.g. "07:30"',
      'site.yaml:12 office_hours.sessions[0].end: must be a time "HH:MM" in quotes, e.g. "07:30"',
    ]);
    const quoted = edit(12, '      end: "11:30"', edit(11, '    - start: "07:30"', v11));
    expect(parseSiteConfig(quoted, 'site.yaml').holidays[0]).toMatchObject({ from: '2026-01-01' });
  });

  it('refuses a duplicate desk id', () => {
    expect(problems(edit(25, '  - id: quay-1'))).toEqual([
      'site.yaml:25 desks[1].id: "quay-1" is already used by desks[0]',
    ]);
  });

  it('refuses a typo in a top-level key, and in a nested one', () => {
    expect(problems(edit(12, 'holydays:'))).toEqual(['site.yaml:12 holydays: unknown key (a typo?)']);
    expect(problems(edit(22, '    oficer: can-bo-a'))).toEqual([
      'site.yaml:19 desks[0].officer: required',
      'site.yaml:22 desks[0].oficer: unknown key (a typo?)',
    ]);
  });

  it('refuses an unreal date, overlapping holidays and a day rostered twice', () => {
    expect(problems(edit(13, '  - { date: 2026-02-30, name: Không có }'))).toEqual([
      'site.yaml:13 holidays[0].date: must be a real date YYYY-MM-DD',
    ]);
    expect(problems(edit(13, '  - { date: 2026-02-17, name: Mùng 1 Tết }'))).toEqual([
      'site.yaml:14 holidays[1]: overlaps holidays[0] (Mùng 1 Tết)',
    ]);
    expect(problems(edit(24, '      - { days: [sat, sat], officer: can-bo-b }'))).toEqual([
      'site.yaml:24 desks[0].roster[0].days: sat is already in roster[0]',
    ]);
  });

  it('refuses labels that do not match the scale, and an unknown time zone', () => {
    expect(problems(edit(5, '  scale: 3\n  labels: { 1: Tệ, 2: Tốt }'))).toEqual([
      'site.yaml:6 rating.labels: must label exactly the scores 1, 2, 3',
    ]);
    expect(problems(edit(3, '  name: UBND xã Thử\n  timezone: Asia/Hanoi_City'))).toEqual([
      'site.yaml:4 site.timezone: must be an IANA time zone, e.g. Asia/Ho_Chi_Minh',
    ]);
    expect(problems(edit(5, '  scale: 7'))).toEqual(['site.yaml:5 rating.scale: must be 3, 4 or 5']);
  });

  it('reports at most five problems', () => {
    const broken = BASE.replace('code: xa-thu', 'code: X')
      .replace('scale: 3', 'scale: 9')
      .replace('id: can-bo-a', 'id: A')
      .replace('id: quay-1', 'id: Q1')
      .replace('id: quay-2', 'id: Q2')
      .replace('id: thon-dong', 'id: T');
    const lines = problems(broken);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^site\.yaml:2 site\.code: /);
    expect(lines[5]).toBe('… and 1 more');
  });
});

describe('mqtt_limits', () => {
  // Appended to BASE, whose last line is empty: the section starts on that line.
  const at = BASE.split('\n').length;
  const limits = (lines: string[]) => `${BASE}mqtt_limits:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;

  it('is optional, with defaults for a commune', () => {
    expect(parseSiteConfig(BASE, 'site.yaml').mqtt_limits).toEqual({
      max_connect_bytes: 4096,
      max_packet_bytes_device: 8192,
      connect_timeout_s: 10,
      max_connections: 500,
      max_connections_per_address: 64,
      auth_failures_before_throttle: 5,
      auth_failures_before_throttle_per_address: 30,
      auth_throttle_max_s: 900,
    });
    const some = parseSiteConfig(limits(['connect_timeout_s: 3']), 'site.yaml').mqtt_limits;
    expect(some).toMatchObject({ connect_timeout_s: 3, max_connections: 500 });
  });

  it('names the line and field of a limit out of range, a typo, and a per-address limit over the total', () => {
    expect(problems(limits(['max_connections: 0', 'connect_timeout_s: 2.5']))).toEqual([
      `site.yaml:${at + 2} mqtt_limits.connect_timeout_s: must be a whole number from 1 to 300`,
      `site.yaml:${at + 1} mqtt_limits.max_connections: must be a whole number from 1 to 10000`,
    ]);
    expect(problems(limits(['max_packet_bytes_device: 8k']))).toEqual([
      `site.yaml:${at + 1} mqtt_limits.max_packet_bytes_device: must be a whole number from 1024 to 1048576`,
    ]);
    expect(problems(limits(['max_conections: 10']))).toEqual([
      `site.yaml:${at + 1} mqtt_limits.max_conections: unknown key (a typo?)`,
    ]);
    expect(problems(limits(['max_connections: 10', 'max_connections_per_address: 20']))).toEqual([
      `site.yaml:${at + 2} mqtt_limits.max_connections_per_address: must not be more than max_connections (10)`,
    ]);
  });
});

describe('loadSiteConfig', () => {
  it('names the file it read, and refuses a file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-config-'));
    try {
      const path = join(dir, 'site.yaml');
      writeFileSync(path, edit(28, null));
      expect(() => loadSiteConfig(path)).toThrow(`${path}:25 desks[1].officer: required`);
      expect(() => loadSiteConfig(join(dir, 'missing.yaml'))).toThrow(
        expect.objectContaining({
          code: 'TT_CONFIG_UNREADABLE',
          message: expect.stringContaining('missing.yaml'),
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('duty and calendar helpers', () => {
  const config = loadSiteConfig(EXAMPLE_CONFIG);

  it('takes the roster before the desk officer', () => {
    expect(officerOnDuty(config, 'quay-5', 'mon')).toBe('hoang-thi-lan');
    expect(officerOnDuty(config, 'quay-5', 'tue')).toBe('do-thi-thu');
    expect(officerOnDuty(config, 'quay-1', 'tue')).toBe('nguyen-thi-hoa');
    expect(officerOnDuty(config, 'quay-99', 'tue')).toBeNull();
  });

  it('takes the weekday in the site time zone, not UTC', () => {
    // Monday 23:30 UTC is Tuesday 06:30 in Asia/Ho_Chi_Minh.
    const at = new Date('2026-03-02T23:30:00Z');
    expect(localTime('Asia/Ho_Chi_Minh', at)).toEqual({ date: '2026-03-03', weekday: 'tue', minutes: 390 });
    expect(officerAt(config, 'quay-5', at)).toBe('do-thi-thu');
  });

  // The offset is kept per hour of UTC; the clock must still read right across a change of offset,
  // on the hour (Berlin) and in the middle of one (St. John's moves at 05:30 UTC).
  it.each([
    ['Europe/Berlin', '2026-03-29T00:00:00Z'],
    ['Europe/Berlin', '2026-10-25T00:00:00Z'],
    ['America/St_Johns', '2026-03-08T04:00:00Z'],
    ['America/St_Johns', '2026-11-01T03:00:00Z'],
    ['Asia/Ho_Chi_Minh', '2026-12-31T15:00:00Z'],
  ])('reads the wall clock of %s minute by minute across %s', (timezone, from) => {
    for (let minute = 0; minute < 4 * 60; minute++) {
      const at = new Date(Date.parse(from) + minute * 60_000 + 30_000);
      // Intl's reading of that moment, as the hub took it before keeping offsets per hour.
      const wall = wallClock(timezone, at);
      const date = `${wall.year}-${wall.month}-${wall.day}`;
      expect(localTime(timezone, at)).toEqual({
        date,
        weekday: WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()],
        minutes: Number(wall.hour) * 60 + Number(wall.minute),
      });
    }
  });
});
