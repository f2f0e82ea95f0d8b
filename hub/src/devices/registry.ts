import {
  DEVICE_ID_PATTERN,
  type DeviceKind,
  DeviceKind as DeviceKindSchema,
} from '../../../protocol/index.ts';
import { HubError } from '../errors.ts';
import { hashSecret, newSecret } from '../security/index.ts';
import { type Store, statement } from '../store/index.ts';

export type DeviceRecord = {
  id: string;
  kind: DeviceKind;
  desk: string | null;
  zone: string | null;
  generation: number;
  revokedAt: string | null;
  createdAt: string;
  online: boolean;
  boot: string | null;
  fw: string | null;
  lastSeenAt: string | null;
  stateChangedAt: string | null;
  /** The last telemetry the device sent (battery, signal, queue, …) and when, if any. */
  telemetry: DeviceTelemetry | null;
  telemetryAt: string | null;
};

/** What a device reports in its telemetry (docs/protocol.md), as the device page shows it. */
export type DeviceTelemetry = Record<string, string | number | boolean>;

export type Credentials = { secretHash: string; generation: number; revoked: boolean };

/** Where the site config says devices may be placed; checked when a device is added. */
export type Placement = { desks: readonly string[]; zones: readonly string[] };

export function placementOf(config: {
  desks: readonly { id: string }[];
  zones: readonly { id: string }[];
}): Placement {
  return { desks: config.desks.map((d) => d.id), zones: config.zones.map((z) => z.id) };
}

type Row = Record<string, string | number | null>;

/** A broker client's credentials as a table of them keeps them (devices, integrations). */
export function credentialsIn(
  db: Store,
  table: 'devices' | 'integrations',
  id: string,
): Credentials | undefined {
  const row = statement(db, `SELECT secret_hash, generation, revoked_at FROM ${table} WHERE id = ?`).get(
    id,
  ) as Row | undefined;
  if (!row) return undefined;
  return {
    secretHash: String(row.secret_hash),
    generation: Number(row.generation),
    revoked: row.revoked_at !== null,
  };
}

const toRecord = (row: Row): DeviceRecord => ({
  id: String(row.id),
  kind: row.kind as DeviceKind,
  desk: (row.desk as string | null) ?? null,
  zone: (row.zone as string | null) ?? null,
  generation: Number(row.generation),
  revokedAt: (row.revoked_at as string | null) ?? null,
  createdAt: String(row.created_at),
  online: row.online === 1,
  boot: (row.boot as string | null) ?? null,
  fw: (row.fw as string | null) ?? null,
  lastSeenAt: (row.last_seen_at as string | null) ?? null,
  stateChangedAt: (row.state_changed_at as string | null) ?? null,
  telemetry: row.telemetry ? (JSON.parse(String(row.telemetry)) as DeviceTelemetry) : null,
  telemetryAt: (row.telemetry_at as string | null) ?? null,
});

/** The device registry: who may connect, where each device stands, and whether it is online. */
export class DeviceRegistry {
  readonly #db: Store;
  readonly #now: () => Date;
  // Every message asks who sent it; the answer changes rarely: kept until this registry writes
  // the device, or `forget()` is told that another process (the CLI) wrote the store.
  readonly #cache = new Map<string, DeviceRecord>();

  constructor(db: Store, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Register a device and issue its secret. The secret is shown once and stored only hashed. */
  async add(
    input: { id: string; kind: string; desk?: string; zone?: string },
    placement: Placement,
  ): Promise<{ device: DeviceRecord; secret: string }> {
    const { id, kind, desk, zone } = validateNewDevice(input, placement);
    if (this.get(id))
      throw new HubError('TT_DEVICE_EXISTS', `"${id}"; use "device rotate ${id}" for a new secret`);
    // One id space for the broker's clients (docs/protocol.md): an integration's id is taken too.
    if (statement(this.#db, 'SELECT 1 FROM integrations WHERE id = ?').get(id))
      throw new HubError('TT_DEVICE_EXISTS', `"${id}" is an integration's id (thanthien integration list)`);
    const secret = newSecret();
    const secretHash = await hashSecret(secret);
    statement(
      this.#db,
      'INSERT INTO devices (id, kind, desk, zone, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, kind, desk ?? null, zone ?? null, secretHash, this.#now().toISOString());
    return { device: this.get(id)!, secret };
  }

  get(id: string): DeviceRecord | undefined {
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const row = statement(this.#db, 'SELECT * FROM devices WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    const record = Object.freeze(toRecord(row));
    this.#cache.set(id, record);
    return record;
  }

  /** Another process wrote the store: read every device afresh. */
  forget(): void {
    this.#cache.clear();
  }

  list(): DeviceRecord[] {
    return (statement(this.#db, 'SELECT * FROM devices ORDER BY id').all() as Row[]).map(toRecord);
  }

  credentials(id: string): Credentials | undefined {
    return credentialsIn(this.#db, 'devices', id);
  }

  /** Revoke a device: it can no longer connect, and the hub closes its live connection. */
  revoke(id: string): DeviceRecord {
    this.#require(id);
    statement(this.#db, 'UPDATE devices SET revoked_at = ?, generation = generation + 1 WHERE id = ?').run(
      this.#now().toISOString(),
      id,
    );
    this.#cache.delete(id);
    return this.get(id)!;
  }

  /**
   * Issue a new secret; the old one stops working at once, including on live connections. A
   * revoked device stays revoked unless `reinstate` says to let it back in: a rotation must never
   * undo a revocation by accident.
   */
  async rotate(
    id: string,
    options: { reinstate?: boolean } = {},
  ): Promise<{ device: DeviceRecord; secret: string }> {
    const current = this.#require(id);
    if (current.revokedAt && !options.reinstate) {
      throw new HubError('TT_DEVICE_REVOKED', {
        vi: `"${id}" bị thu hồi lúc ${current.revokedAt}; muốn cho dùng lại: thanthien device rotate ${id} --reinstate`,
        en: `"${id}" was revoked at ${current.revokedAt}; to let it back in: thanthien device rotate ${id} --reinstate`,
      });
    }
    const secret = newSecret();
    const secretHash = await hashSecret(secret);
    statement(
      this.#db,
      'UPDATE devices SET secret_hash = ?, generation = generation + 1, revoked_at = NULL WHERE id = ?',
    ).run(secretHash, id);
    this.#cache.delete(id);
    return { device: this.get(id)!, secret };
  }

  markOnline(id: string, state: { boot: string; fw: string }): void {
    const at = this.#now().toISOString();
    statement(
      this.#db,
      `UPDATE devices SET state_changed_at = CASE WHEN online = 1 AND boot = ? THEN state_changed_at ELSE ? END,
           online = 1, boot = ?, fw = ?, last_seen_at = ? WHERE id = ?`,
    ).run(state.boot, at, state.boot, state.fw, at, id);
    this.#cache.delete(id);
  }

  markOffline(id: string): void {
    const at = this.#now().toISOString();
    statement(
      this.#db,
      `UPDATE devices SET state_changed_at = CASE WHEN online = 1 THEN ? ELSE state_changed_at END,
           online = 0, last_seen_at = ? WHERE id = ?`,
    ).run(at, at, id);
    this.#cache.delete(id);
  }

  /** Keep a device's last telemetry (once a minute or so per device). */
  noteTelemetry(id: string, telemetry: DeviceTelemetry, at: Date): void {
    statement(this.#db, 'UPDATE devices SET telemetry = ?, telemetry_at = ? WHERE id = ?').run(
      JSON.stringify(telemetry),
      at.toISOString(),
      id,
    );
    this.#cache.delete(id);
  }

  /** At hub start nobody is connected yet: every device is offline until its birth arrives. */
  markAllOffline(): void {
    statement(this.#db, 'UPDATE devices SET online = 0 WHERE online = 1').run();
    this.#cache.clear();
  }

  #require(id: string): DeviceRecord {
    const device = this.get(id);
    if (!device) throw new HubError('TT_DEVICE_UNKNOWN', `"${id}"; see "thanthien device list"`);
    return device;
  }
}

function validateNewDevice(
  input: { id: string; kind: string; desk?: string; zone?: string },
  placement: Placement,
): { id: string; kind: DeviceKind; desk?: string; zone?: string } {
  const invalid = (detail: string) => new HubError('TT_DEVICE_INVALID', detail);
  if (!DEVICE_ID_PATTERN.test(input.id))
    throw invalid(`id "${input.id}" must match ${DEVICE_ID_PATTERN.source}`);
  const kind = DeviceKindSchema.safeParse(input.kind);
  if (!kind.success)
    throw invalid(`kind "${input.kind}" must be one of ${DeviceKindSchema.options.join(', ')}`);
  // A rating or presence device is useless without its desk, a speaker without its zone.
  if (kind.data === 'speaker') {
    if (!input.zone) throw invalid('a speaker needs --zone');
    if (!placement.zones.includes(input.zone)) {
      throw invalid(`zone "${input.zone}" is not in the site config (${placement.zones.join(', ')})`);
    }
    if (input.desk) throw invalid('a speaker belongs to a zone, not a desk');
  } else {
    if (!input.desk) throw invalid(`a ${kind.data} needs --desk`);
    if (!placement.desks.includes(input.desk)) {
      throw invalid(`desk "${input.desk}" is not in the site config (${placement.desks.join(', ')})`);
    }
    if (input.zone) throw invalid(`a ${kind.data} belongs to a desk, not a zone`);
  }
  return { id: input.id, kind: kind.data, desk: input.desk, zone: input.zone };
}
