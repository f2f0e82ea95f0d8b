import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AnnouncementInput,
  type Asset,
  EmergencyInput,
  PLAY_STATUSES,
  PROGRAM_STATES,
  ProgramInput,
  TIERS,
} from '../broadcasts/index.ts';
import { HubError } from '../errors.ts';
import type { User } from '../users/index.ts';
import { SiteDate, siteIso } from './dates.ts';
import { parseRequest, requireRole, userOf } from './guards.ts';
import { invalidField } from './invalid-request.ts';
import { doc } from './openapi.ts';
import type { HttpDeps } from './types.ts';
import { words } from './words.ts';

/** Who writes programs (soạn), who approves them (duyệt) and who may put an emergency on air. */
const WRITERS = ['admin', 'leader', 'operator'] as const;
const APPROVERS = ['admin', 'leader'] as const;
const READERS = ['admin', 'leader', 'operator', 'technician'] as const;

const wholeNumber = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, { error: 'api.wholeNumber' })
  .transform(Number);
const Id = z.object({ id: wholeNumber });
const Sha256 = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'api.sha256' }) });
const Comment = z.object({ comment: z.string().trim().min(1).max(2000).optional() }).optional();
const Rejection = z.object({ comment: z.string().trim().min(1).max(2000) });
const Speech = z.object({ text: z.string().trim().min(1).max(5000) });
const Upload = z.object({ name: z.string().trim().min(1).max(200) });
const ProgramState = z.object({ state: z.enum(PROGRAM_STATES).optional() });
/** What an upload's body may be: the audio itself. */
const AUDIO_TYPES = [
  'application/octet-stream',
  'audio/mpeg',
  'audio/wav',
  'audio/x-wav',
  'audio/ogg',
  'audio/mp4',
  'audio/aac',
] as const;
/** A period is read two months at a time at most: what a screen shows, and what a Pi answers fast. */
const MAX_DAYS = 62;

/** Local days `from`..`to` of the site, in order and not too many. */
function period<T extends { from: string; to: string }>(value: T): T {
  const { from, to } = value;
  if (to < from) throw invalidField('to', words('api.notBeforeFrom', { from }));
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_DAYS)
    throw invalidField('to', words('api.maxDays', { max: MAX_DAYS }));
  return value;
}
const Period = z.object({ from: SiteDate, to: SiteDate });

/** Which flow sends an announcement: a Node-RED tab's id (what the admin allows) and its name. */
const Announcement = AnnouncementInput.extend({
  flow: z.strictObject({ id: z.string().trim().min(1).max(64), name: z.string().max(200).optional() }),
});

const actor = (user: User) => ({ name: user.name, role: user.role });

/**
 * /api/v1 for the radio (docs/broadcasts.md): audio uploads and speech, programs and their
 * approval, the calendar of airings, what is on air, emergencies, and the play log. Every change
 * wakes the on-air engine, so what it sends follows at once.
 */
export function radioRoutes(api: FastifyInstance, deps: HttpDeps): void {
  const { radio } = deps;
  const changed = <T>(result: T): T => {
    void radio.engine.tick();
    return result;
  };

  // Audio arrives as the request body itself (audio/* or application/octet-stream).
  api.addContentTypeParser(
    [...AUDIO_TYPES],
    { parseAs: 'buffer', bodyLimit: radio.maxUploadBytes + 1 },
    (_request, body, done) => done(null, body),
  );

  api.post(
    '/assets',
    doc(
      {
        summary: 'Upload audio: probed, kept by sha256',
        who: WRITERS,
        query: Upload,
        upload: AUDIO_TYPES,
        status: 201,
      },
      { bodyLimit: radio.maxUploadBytes + 1 },
    ),
    async (request, reply) => {
      const user = userOf(request);
      const { name } = parseRequest(Upload, request.query);
      if (!Buffer.isBuffer(request.body))
        throw new HubError('TT_MEDIA_TYPE_UNSUPPORTED', words('api.audioBody'));
      const asset = await radio.assets.add(name, request.body, user.name);
      reply.code(201);
      return assetView(asset);
    },
  );

  api.get(
    '/assets/:sha256',
    doc({ summary: "An upload's details", who: READERS, params: Sha256 }),
    async (request) => {
      return assetView(knownAsset(deps, parseRequest(Sha256, request.params).sha256));
    },
  );

  // Speakers download with their own device credentials; people with their session.
  api.get(
    '/assets/:sha256/file',
    doc({
      summary: 'The audio file (speakers with HTTP Basic device credentials)',
      who: READERS,
      ownAuth: { also: 'speakers (HTTP Basic: device id and secret)' },
      params: Sha256,
      produces: 'audio/*',
    }),
    async (request, reply) => {
      await requireSpeakerOrUser(deps, request);
      const asset = knownAsset(deps, parseRequest(Sha256, request.params).sha256);
      reply.header('content-length', asset.bytes);
      reply.header('cache-control', 'private, max-age=31536000, immutable');
      reply.type(mediaType(asset.file));
      return reply.send(createReadStream(radio.assets.path(asset)));
    },
  );

  // Preview (nghe thử): the text as the speakers would say it, kept as an asset to air.
  api.post(
    '/speech',
    doc({
      summary: 'The text spoken as the speakers would hear it',
      who: WRITERS,
      body: Speech,
      produces: 'audio/wav',
    }),
    async (request, reply) => {
      const user = userOf(request);
      const { text } = parseRequest(Speech, request.body);
      const asset = await radio.contents.speak(text, user.name);
      reply.header('x-asset-sha256', asset.sha256);
      reply.header('x-duration-ms', asset.durationMs);
      reply.header('content-length', asset.bytes);
      reply.type('audio/wav');
      return reply.send(createReadStream(radio.assets.path(asset)));
    },
  );

  api.get(
    '/programs',
    doc({ summary: 'Every program, newest first', who: READERS, query: ProgramState }),
    async (request) => {
      const { state } = parseRequest(ProgramState, request.query);
      return { programs: radio.programs.list().filter((program) => !state || program.state === state) };
    },
  );

  api.get(
    '/programs/:id',
    doc({ summary: 'A program with its history', who: READERS, params: Id }),
    async (request) => {
      const { id } = parseRequest(Id, request.params);
      return { ...radio.programs.get(id), history: radio.programs.history(id) };
    },
  );

  api.post(
    '/programs',
    doc({ summary: 'A draft program', who: WRITERS, body: ProgramInput, status: 201 }),
    async (request, reply) => {
      const user = userOf(request);
      const program = await radio.programs.create(parseRequest(ProgramInput, request.body), actor(user));
      reply.code(201);
      return program;
    },
  );

  api.put(
    '/programs/:id',
    doc({
      summary: 'Edit; an approved program goes back for approval',
      who: WRITERS,
      params: Id,
      body: ProgramInput,
    }),
    async (request) => {
      const user = userOf(request);
      const { id } = parseRequest(Id, request.params);
      return changed(await radio.programs.edit(id, parseRequest(ProgramInput, request.body), actor(user)));
    },
  );

  api.post(
    '/programs/:id/submit',
    doc({ summary: 'Up for approval', who: WRITERS, params: Id }),
    async (request) => {
      const user = userOf(request);
      return radio.programs.submit(parseRequest(Id, request.params).id, actor(user));
    },
  );

  api.post(
    '/programs/:id/approve',
    doc({ summary: 'Approve (not the author): it airs', who: APPROVERS, params: Id, body: Comment }),
    async (request) => {
      const user = userOf(request);
      const body = parseRequest(Comment, request.body);
      return changed(
        await radio.programs.approve(parseRequest(Id, request.params).id, actor(user), body?.comment),
      );
    },
  );

  api.post(
    '/programs/:id/reject',
    doc({ summary: 'Send back with the reason', who: APPROVERS, params: Id, body: Rejection }),
    async (request) => {
      const user = userOf(request);
      const { comment } = parseRequest(Rejection, request.body);
      return radio.programs.reject(parseRequest(Id, request.params).id, actor(user), comment);
    },
  );

  api.post(
    '/programs/:id/cancel',
    doc({ summary: 'End it for good', who: WRITERS, params: Id }),
    async (request) => {
      const user = userOf(request);
      return changed(await radio.programs.cancel(parseRequest(Id, request.params).id, actor(user)));
    },
  );

  api.get(
    '/calendar',
    doc({ summary: 'Every airing over local days (at most 62)', who: READERS, query: Period }),
    async (request) => {
      const { from, to } = period(parseRequest(Period, request.query));
      return { from, to, airings: radio.engine.calendar(from, to, radio.programs.list()) };
    },
  );

  api.get(
    '/on-air',
    doc({ summary: 'What each zone airs now, on which speakers', who: READERS }),
    async () => {
      return { at: siteIso(deps.timezone, deps.now().getTime()), zones: radio.engine.onAirNow() };
    },
  );

  api.post(
    '/emergency',
    doc({ summary: 'On air at once, over everything', who: APPROVERS, body: EmergencyInput, status: 201 }),
    async (request, reply) => {
      const user = userOf(request);
      const program = await radio.programs.emergency(parseRequest(EmergencyInput, request.body), actor(user));
      request.log.warn({ user: user.name, program: program.id, zones: program.zones }, 'emergency on air');
      reply.code(201);
      return changed(program);
    },
  );

  api.post(
    '/emergency/:id/end',
    doc({ summary: 'End it now', who: APPROVERS, params: Id }),
    async (request) => {
      const user = userOf(request);
      return changed(await radio.programs.endEmergency(parseRequest(Id, request.params).id, actor(user)));
    },
  );

  // A flow's announcement (thanthien announce): the admin's allowance for that flow decides whether
  // it needs a leader's approval and whether it may be an emergency (docs/flows.md).
  api.post(
    '/announcements',
    doc({
      summary: 'A flow announces: at once if the admin allows the flow, else up for approval',
      who: ['flows'],
      body: Announcement,
      status: 201,
    }),
    async (request, reply) => {
      const user = userOf(request);
      const { flow, ...input } = parseRequest(Announcement, request.body);
      const allowed = deps.flowAllowances.get(user.name, flow.id);
      const named = flow.name ? `"${flow.name}" (${flow.id})` : flow.id;
      if (input.tier === 'emergency' && !allowed?.emergency) {
        throw new HubError('TT_FLOW_NOT_ALLOWED', {
          vi: `luồng ${named}, phát khẩn cấp (thanthien flows allow ${flow.id} --emergency)`,
          en: `flow ${named}, an emergency (thanthien flows allow ${flow.id} --emergency)`,
        });
      }
      const note = `flow ${named}`;
      const program = await radio.programs.announce(
        input,
        actor(user),
        allowed?.skip_approval === true,
        note,
      );
      if (program.tier === 'emergency')
        request.log.warn({ user: user.name, flow: flow.id, program: program.id }, 'emergency on air');
      reply.code(201);
      // An airing the hub holds (quiet hours, a holiday) is said, so the flow knows it will not air.
      const [airing] = radio.engine.calendar(program.schedule.from, program.schedule.from, [program]);
      return { ...changed(program), held: airing?.held ?? null };
    },
  );

  const LogFilter = z.object({
    from: SiteDate,
    to: SiteDate,
    zone: z.string().optional(),
    speaker: z.string().optional(),
    program: wholeNumber.optional(),
    status: z.enum(PLAY_STATUSES).optional(),
    tier: z.enum(TIERS).optional(),
    format: z.enum(['json', 'csv']).default('json'),
  });

  api.get(
    '/play-log',
    doc({ summary: 'How every airing ended on every speaker (JSON or CSV)', who: READERS, query: LogFilter }),
    async (request, reply) => {
      const { format, ...filter } = period(parseRequest(LogFilter, request.query));
      const entries = radio.engine.playLog(filter);
      if (format === 'json') return { ...filter, entries };
      reply.type('text/csv; charset=utf-8');
      reply.header(
        'content-disposition',
        `attachment; filename="nhat-ky-phat-${filter.from}-${filter.to}.csv"`,
      );
      return toCsv(entries);
    },
  );

  api.get(
    '/play-log/summary',
    doc({
      summary: 'Per zone and tier: airings, minutes, statuses',
      who: [...READERS, 'flows'],
      query: Period,
    }),
    async (request) => {
      const { from, to } = period(parseRequest(Period, request.query));
      return { from, to, summary: radio.engine.summary(from, to) };
    },
  );
}

/** A speaker with its device credentials (HTTP Basic), or a signed-in user; 401 otherwise. */
async function requireSpeakerOrUser(deps: HttpDeps, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) {
    requireRole(deps, request, READERS);
    return;
  }
  const [id = '', ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  const byAddress = [`ip:${request.ip}`];
  const waitMs = deps.throttle.address.waitMs(byAddress);
  if (waitMs > 0)
    throw new HubError('TT_LOGIN_THROTTLED', words('api.retryIn', { s: Math.ceil(waitMs / 1000) }));
  const result = await deps.radio.authenticate(id, rest.join(':'));
  if (!result.ok || deps.devices.get(id)?.kind !== 'speaker') {
    deps.throttle.address.fail(byAddress);
    request.log.warn({ device: id, ip: request.ip }, 'asset download refused');
    throw new HubError('TT_UNAUTHENTICATED');
  }
}

function knownAsset(deps: HttpDeps, sha256: string): Asset {
  const asset = deps.radio.assets.get(sha256);
  if (!asset) throw new HubError('TT_NOT_FOUND', words('api.noAsset', { sha256 }));
  return asset;
}

const assetView = (a: Asset) => ({
  sha256: a.sha256,
  name: a.name,
  codec: a.codec,
  duration_s: a.durationMs / 1000,
  bytes: a.bytes,
  added_by: a.addedBy,
  added_at: a.addedAt,
});

const MEDIA_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
};
const mediaType = (file: string) => MEDIA_TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream';

/** The play log as a spreadsheet opens it: a header row, one row per airing per speaker. */
function toCsv(entries: ReadonlyArray<Record<string, unknown>>): string {
  const columns = [
    'scheduled_at',
    'program',
    'title',
    'tier',
    'zone',
    'speaker',
    'status',
    'offset_ms',
    'played_s',
    'error',
  ];
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  // A BOM so that Excel, which communes use, reads the Vietnamese as UTF-8.
  return `\uFEFF${[columns.join(','), ...entries.map((e) => columns.map((c) => cell(e[c])).join(','))].join('\r\n')}\r\n`;
}
