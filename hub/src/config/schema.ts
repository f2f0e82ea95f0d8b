import { z } from 'zod';
import { SITE_PATTERN } from '../../../protocol/index.ts';
import { ESPEAK_NG } from '../broadcasts/speech.ts';

/** Days as written in the config; the index is `Date#getDay()` so a clock's weekday maps directly. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Vietnamese labels per scale, 1 the worst (docs/protocol.md, ratings). */
export const DEFAULT_LABELS: Record<3 | 4 | 5, readonly string[]> = {
  3: ['Không hài lòng', 'Hài lòng', 'Rất hài lòng'],
  4: ['Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
  5: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
};

const ID_PATTERN = /^[a-z0-9-]{2,40}$/;
const id = z.string().regex(ID_PATTERN, { error: `must match ${ID_PATTERN.source}` });
export const text = z.string().trim().min(1, { error: 'must not be empty' });

/** A message for a wrong value that still lets a missing one read "required" (see load.ts). */
const unless = (message: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message),
});

export const weekday = z.enum(WEEKDAYS, unless(`must be one of ${WEEKDAYS.join(', ')}`));

// A bare 07:30 is a string in YAML 1.2 (the yaml package's default) but a base-60 number under
// a `%YAML 1.1` directive; asking for quotes is clearer than guessing what 450 meant.
export const time = z
  .string(unless('must be a time "HH:MM" in quotes, e.g. "07:30"'))
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time "HH:MM", e.g. "07:30"' });

// YAML 1.2 reads 2026-01-01 as a string, YAML 1.1 as a timestamp: accept both, keep the string.
export const date = z.preprocess(
  (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
  z
    .string(unless('must be a date YYYY-MM-DD'))
    .refine(isRealDate, { error: 'must be a real date YYYY-MM-DD' }),
);

/** A calendar date that exists: 2026-02-28 yes, 2026-02-30 no (Date would roll it into March). */
export function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

const site = z.strictObject({
  code: z
    .string()
    .regex(SITE_PATTERN, { error: `must match ${SITE_PATTERN.source} (it is part of MQTT topics)` }),
  name: text,
  district: text.optional(),
  province: text.optional(),
  timezone: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone, e.g. Asia/Ho_Chi_Minh' })
    .default('Asia/Ho_Chi_Minh'),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const rating = z
  .strictObject({
    scale: z.literal([3, 4, 5], unless('must be 3, 4 or 5')),
    labels: z.record(z.string(), text).optional(),
    repeat_interval_s: z.number().min(0).max(3600).default(5),
  })
  .superRefine((r, ctx) => {
    if (!r.labels) return;
    const want = Array.from({ length: r.scale }, (_, i) => String(i + 1));
    const got = Object.keys(r.labels).sort();
    if (got.join() !== want.join()) {
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: `must label exactly the scores ${want.join(', ')}`,
      });
    }
  })
  .transform(({ labels, ...r }) => ({
    ...r,
    labels: labels ?? Object.fromEntries(DEFAULT_LABELS[r.scale].map((label, i) => [String(i + 1), label])),
  }));

const session = z.strictObject({ start: time, end: time });

const officeHours = z.strictObject({
  days: z.array(weekday).min(1),
  sessions: z.array(session).min(1),
});

// One shape for both spellings so a typo gets one clear message instead of a union's two.
const holiday = z
  .strictObject({ date: date.optional(), from: date.optional(), to: date.optional(), name: text })
  .superRefine((h, ctx) => {
    if (h.date !== undefined && (h.from !== undefined || h.to !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'give either date, or from and to' });
    } else if (h.date === undefined && (h.from === undefined || h.to === undefined)) {
      ctx.addIssue({ code: 'custom', path: [h.from === undefined ? 'from' : 'to'], message: 'required' });
    } else if (h.from !== undefined && h.to !== undefined && h.from > h.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${h.from})` });
    }
  })
  // Consumers see every holiday as an inclusive range.
  .transform((h) => ({ name: h.name, from: (h.date ?? h.from)!, to: (h.date ?? h.to)! }));

const official = z.strictObject({ id, name: text, title: text.optional() });

const rosterEntry = z.strictObject({ days: z.array(weekday).min(1), officer: id });

const desk = z.strictObject({
  id,
  name: text,
  field: text,
  officer: id,
  roster: z.array(rosterEntry).default([]),
});

const zone = z.strictObject({ id, name: text, description: text.optional() });

/**
 * The radio (phát thanh): quiet hours (giờ yên tĩnh), in which normal programs are held; priority
 * and emergency ones still air. A spell may cross midnight ("21:00" to "06:00"). The speech engine
 * (bộ đọc) is a command that reads text on its standard input and writes a WAV file at `{out}`.
 */
const broadcast = z.strictObject({
  quiet_hours: z.array(session).default([]),
  speech: z
    .array(text)
    .min(1)
    .refine((command) => command.some((arg) => arg.includes('{out}')), {
      error: 'must have an argument with {out}, where the engine writes its WAV file',
    })
    .default([...ESPEAK_NG]),
  max_upload_mb: z.number().positive().max(500).default(50),
  /** How long after its slot an airing waits for a speaker's late acks before it is logged missed. */
  late_ack_wait_s: z.number().min(1).max(86_400).default(300),
});

const alerts = z.strictObject({
  empty_desk_after_min: z.int().min(1).default(15),
  unsatisfied_share: z.number().min(0).max(1).default(0.3),
  unsatisfied_window_min: z.int().min(1).default(60),
});

/**
 * What one client on the network may make the MQTT broker hold (hub/src/broker/gate.ts). The
 * defaults fit a commune: a few hundred devices at most, each on its own address, and the office
 * laptops behind one NAT address. A device's own messages are under 1 KB.
 */
const mqttLimits = z.strictObject({
  // CONNECT carries the client id, will, user name and password: a few hundred bytes for a device.
  max_connect_bytes: between(512, 65_536).default(4_096),
  max_packet_bytes_device: between(1_024, 1_048_576).default(8_192),
  connect_timeout_s: between(1, 300).default(10),
  max_connections: between(1, 10_000).default(500),
  max_connections_per_address: between(1, 10_000).default(64),
  auth_failures_before_throttle: between(1, 1_000).default(5),
  auth_failures_before_throttle_per_address: between(1, 10_000).default(30),
  auth_throttle_max_s: between(1, 86_400).default(900),
});

/** A whole number in a range, with one message for every way of missing it. */
function between(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.int(unless(message)).min(min, { error: message }).max(max, { error: message });
}

/** The site config file (provisioning/site.example.yaml): one commune, its desks, staff and zones. */
export const SiteConfigSchema = z
  .strictObject({
    site,
    rating,
    office_hours: officeHours,
    holidays: z.array(holiday).default([]),
    officials: z.array(official).min(1),
    desks: z.array(desk).min(1),
    zones: z.array(zone).default([]),
    alerts: alerts.prefault({}),
    broadcast: broadcast.prefault({}),
    mqtt_limits: mqttLimits.prefault({}),
  })
  // Cross-field rules read only a config whose every field is valid, so they never pile onto a field error.
  .superRefine(crossCheck, { when: (payload) => payload.issues.length === 0 });

export type SiteConfig = z.output<typeof SiteConfigSchema>;
export type Desk = SiteConfig['desks'][number];
export type Holiday = SiteConfig['holidays'][number];
export type MqttLimits = SiteConfig['mqtt_limits'];

type Ctx = z.RefinementCtx<z.output<typeof SiteConfigSchema>>;
type Path = (string | number)[];

/** Rules across fields, each issue on the field a person must change. */
function crossCheck(config: SiteConfig, ctx: Ctx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  for (const list of ['officials', 'desks', 'zones'] as const) {
    firstRepeats(config[list].map((x) => x.id)).forEach((first, i) => {
      if (first !== undefined)
        issue([list, i, 'id'], `"${config[list][i]!.id}" is already used by ${list}[${first}]`);
    });
  }
  const officials = new Set(config.officials.map((o) => o.id));
  const known = (officer: string) => (officials.has(officer) ? null : `"${officer}" is not in officials`);
  config.desks.forEach((desk, d) => {
    const missing = known(desk.officer);
    if (missing) issue(['desks', d, 'officer'], missing);
    const days = desk.roster.flatMap((r, e) => r.days.map((day) => ({ day, e })));
    firstRepeats(days.map((x) => x.day)).forEach((first, i) => {
      if (first !== undefined) {
        issue(
          ['desks', d, 'roster', days[i]!.e, 'days'],
          `${days[i]!.day} is already in roster[${days[first]!.e}]`,
        );
      }
    });
    desk.roster.forEach((r, e) => {
      const missingRostered = known(r.officer);
      if (missingRostered) issue(['desks', d, 'roster', e, 'officer'], missingRostered);
    });
  });
  firstRepeats(config.office_hours.days).forEach((first, i) => {
    if (first !== undefined)
      issue(['office_hours', 'days', i], `${config.office_hours.days[i]} is listed twice`);
  });
  config.broadcast.quiet_hours.forEach((q, i) => {
    if (q.start === q.end)
      issue(['broadcast', 'quiet_hours', i, 'end'], `must differ from start (${q.start})`);
  });
  config.office_hours.sessions.forEach((s, i) => {
    const before = config.office_hours.sessions[i - 1];
    if (s.start >= s.end) issue(['office_hours', 'sessions', i, 'end'], `must be after start (${s.start})`);
    else if (before && s.start < before.end) {
      issue(
        ['office_hours', 'sessions', i, 'start'],
        `must not start before sessions[${i - 1}] ends (${before.end}); list sessions in time order`,
      );
    }
  });
  config.holidays.forEach((h, i) => {
    const clash = config.holidays.findIndex((o, j) => j < i && o.from <= h.to && h.from <= o.to);
    if (clash >= 0) issue(['holidays', i], `overlaps holidays[${clash}] (${config.holidays[clash]!.name})`);
  });
  const limits = config.mqtt_limits;
  if (limits.max_connections_per_address > limits.max_connections) {
    issue(
      ['mqtt_limits', 'max_connections_per_address'],
      `must not be more than max_connections (${limits.max_connections})`,
    );
  }
}

/** For each element, the index of its first earlier equal, or undefined when it is the first. */
function firstRepeats<T>(values: readonly T[]): (number | undefined)[] {
  const seen = new Map<T, number>();
  return values.map((v, i) => {
    const first = seen.get(v);
    if (first === undefined) seen.set(v, i);
    return first;
  });
}
